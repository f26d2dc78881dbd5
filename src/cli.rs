//! The command line: `setia serve | worker | migrate | user create | demo | backup | restore`.

use std::io::BufRead;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use tokio::net::TcpListener;

use crate::app;
use crate::auth::{password, Role};
use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::db::Db;
use crate::types::{Email, PhoneNumber};
use crate::users;

#[derive(Parser)]
#[command(
    name = "setia",
    version,
    about = "Setia: a web CRM for internet service providers",
    after_help = "Settings: defaults < setia.toml < environment < flags. Environment: SETIA_LISTEN \
(127.0.0.1:8080), SETIA_DATA_DIR (./data, holds setia.db), SETIA_DATABASE_URL (postgres://... selects \
PostgreSQL), SETIA_SQLITE_SYNCHRONOUS (normal|full), SETIA_DB_READ_CONNECTIONS, SETIA_SECURE_COOKIES, SETIA_BASE_URL, SETIA_SESSION_IDLE_MINUTES, SETIA_SESSION_ABSOLUTE_HOURS, \
SETIA_MAX_BODY_BYTES, SETIA_LOG_JSON, SETIA_TRUSTED_PROXIES, SETIA_SMTP_HOST, SETIA_SMTP_PORT, \
SETIA_SMTP_TLS (none|starttls|tls), SETIA_SMTP_USER, SETIA_SMTP_PASSWORD, SETIA_MAIL_FROM; RUST_LOG sets log levels. See README.md."
)]
struct Cli {
    /// Settings file (TOML). Defaults to ./setia.toml when it exists.
    #[arg(long, global = true, env = "SETIA_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (applies pending migrations first).
    Serve {
        /// Address to listen on, e.g. 0.0.0.0:8080 (overrides SETIA_LISTEN and the file).
        #[arg(long)]
        listen: Option<SocketAddr>,
    },
    /// Run only the background job worker (mail delivery, clean-ups), without the web server.
    Worker,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load a believable demo ISP (content, staff of every role, ~200 customers) and print the logins.
    Demo {
        /// Add the demo data even if the database already holds customers.
        #[arg(long)]
        force: bool,
        /// Also generate this many customers over five years (an ISP-sized data set for
        /// benchmarks), e.g. `--customers 100000 --tickets 1000000`.
        #[arg(long, default_value_t = 0)]
        customers: usize,
        /// Also generate this many tickets with their threads over the generated customers.
        #[arg(long, default_value_t = 0)]
        tickets: usize,
    },
    /// Copy the SQLite database to a new FILE while Setia runs (for PostgreSQL: pg_dump).
    ///
    /// A consistent snapshot with every upload in it, checked afterwards. FILE must not exist.
    #[command(after_help = "The copy is one consistent snapshot (VACUUM INTO), \
made while the server may keep writing; it is checked with PRAGMA integrity_check. Restore it with \
`setia restore FILE` into an empty data directory.")]
    Backup {
        /// The new backup file (it must not exist yet), e.g. setia-2026-11-29.db.
        file: PathBuf,
    },
    /// Put a backup back into an empty data directory (for PostgreSQL: pg_restore).
    ///
    /// The data directory is data_dir / SETIA_DATA_DIR; refused if a setia.db is there. The
    /// backup is checked before it is put in place.
    #[command(after_help = "Stop Setia first. The backup is copied next to \
setia.db, checked (PRAGMA integrity_check, known migrations) and then moved into place; `setia \
serve` applies any newer migrations.")]
    Restore {
        /// The backup file written by `setia backup`.
        file: PathBuf,
    },
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a staff account. Prints a generated password once, unless --password-stdin is given.
    Create {
        /// One of: system-admin, director, admin, technician.
        #[arg(long)]
        role: String,
        /// Login email address.
        #[arg(long)]
        email: String,
        /// Full name shown in the app.
        #[arg(long)]
        name: String,
        /// Optional phone number (also usable to log in).
        #[arg(long)]
        phone: Option<String>,
        /// Read the password from the first line of standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::load(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: invalid configuration: {e}");
            return ExitCode::from(2);
        }
    };
    init_tracing(&config);
    // Before any thread of the runtime allocates.
    crate::memory::bound_arenas();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    match runtime.block_on(run(cli.command, config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if config.log_json {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn open_db(config: &Config) -> anyhow::Result<Db> {
    let url = config.database_url();
    if url.starts_with("sqlite:") {
        std::fs::create_dir_all(&config.data_dir)?;
    }
    let db = Db::connect_with(&url, config.connect_options()).await?;
    db.migrate().await?;
    // The dashboard's daily summary of days written since it last ran (every day once, after
    // the upgrade that added it): here rather than in the first dashboard view.
    let rebuilt = crate::reports::days::refresh(&db).await?;
    if rebuilt > 0 {
        tracing::info!(days = rebuilt, "dashboard summary brought up to date");
    }
    Ok(db)
}

async fn run(command: Command, mut config: Config) -> anyhow::Result<()> {
    match command {
        Command::Migrate => {
            let db = open_db(&config).await?;
            println!("Migrations applied ({:?}).", db.backend());
        }
        Command::Demo {
            force,
            customers,
            tickets,
        } => {
            let db = open_db(&config).await?;
            println!("Loading demo data…");
            let logins = crate::demo::load(&db, config, force).await?;
            if customers > 0 {
                println!("Generating {customers} customers and {tickets} tickets…");
                let started = std::time::Instant::now();
                let sizes = crate::demo::Sizes { customers, tickets };
                crate::demo::generate(&db, sizes, chrono::Utc::now(), true).await?;
                println!("Generated in {:.0?}.", started.elapsed());
            }
            println!("\nDemo data loaded. Logins (shown only now):\n");
            println!("  {:<14} {:<28} password", "role", "login");
            for l in logins {
                println!("  {:<14} {:<28} {}", l.role, l.email, l.password);
            }
            println!("\nEvery demo customer logs in with their phone number and the customer password above.");
        }
        Command::Backup { file } => {
            let s = crate::db::backup::backup(&config.database_url(), &file).await?;
            println!(
                "Backup written to {}: {}, {} customers, {} tickets; integrity check ok.",
                s.path.display(),
                megabytes(s.bytes),
                s.customers,
                s.tickets
            );
        }
        Command::Restore { file } => {
            let r = crate::db::backup::restore(&config.database_url(), &file).await?;
            println!(
                "Restored {} to {}: {}, {} customers, {} tickets; integrity check ok; {} migrations \
                 applied{}.",
                file.display(),
                r.summary.path.display(),
                megabytes(r.summary.bytes),
                r.summary.customers,
                r.summary.tickets,
                r.applied,
                if r.pending > 0 {
                    format!(", {} newer ones will be applied by `setia serve`", r.pending)
                } else {
                    String::new()
                }
            );
        }
        Command::Worker => {
            let db = open_db(&config).await?;
            let worker = crate::worker::spawn(db.clone(), &config, Arc::new(SystemClock)).await?;
            shutdown_signal().await;
            worker.shutdown().await;
            db.close().await;
        }
        Command::Serve { listen } => {
            if let Some(addr) = listen {
                config.listen = addr;
            }
            serve(config).await?;
        }
        Command::User {
            command:
                UserCommand::Create {
                    role,
                    email,
                    name,
                    phone,
                    password_stdin,
                },
        } => {
            let role = Role::parse(&role).filter(|r| r.is_staff()).ok_or_else(|| {
                anyhow::anyhow!("--role must be one of system-admin, director, admin, technician")
            })?;
            let email = Email::parse(&email)
                .map_err(|_| anyhow::anyhow!("--email is not a valid email address"))?;
            let phone = phone
                .map(|p| PhoneNumber::parse(&p))
                .transpose()
                .map_err(|_| anyhow::anyhow!("--phone is not a valid Indonesian phone number"))?;
            let name = name.trim().to_string();
            anyhow::ensure!(!name.is_empty(), "--name must not be empty");
            let (password, generated) = if password_stdin {
                let mut line = String::new();
                std::io::stdin().lock().read_line(&mut line)?;
                let pw = line.trim_end_matches(['\r', '\n']).to_string();
                password::check_policy(&pw)
                    .map_err(|k| anyhow::anyhow!("{}", crate::i18n::Lang::En.t(k)))?;
                (pw, false)
            } else {
                (password::generate(), true)
            };
            let db = open_db(&config).await?;
            let staff = crate::users::service::NewStaff {
                name,
                email: email.clone(),
                phone,
                role,
            };
            let actor = crate::audit::Actor {
                id: None,
                name: "setia user create",
                ip: "cli",
            };
            let chosen = (!generated).then(|| password.clone());
            let (id, password) = crate::users::service::create_staff(
                &db,
                &password::Hashing::new(0, std::time::Duration::from_secs(60)),
                actor,
                SystemClock.now(),
                &staff,
                chosen,
            )
            .await
            .map_err(|e| match e {
                crate::error::AppError::Validation(_) => {
                    anyhow::anyhow!("an account with this email or phone already exists")
                }
                other => anyhow::anyhow!("{other}"),
            })?;
            println!("Created {role} account #{id} for {email}.");
            if generated {
                println!("One-time password (shown only now; it must be changed at first login): {password}");
            }
        }
    }
    Ok(())
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let db = open_db(&config).await?;
    let clock = Arc::new(SystemClock);
    if let Some((email, pw)) = users::ensure_first_admin(&db, clock.now()).await? {
        println!();
        println!("  First start: a system admin account was created.");
        println!("  Email:    {email}");
        println!("  Password: {pw}");
        println!("  This password is shown only once and must be changed at first login.");
        println!();
    }
    let listen = config.listen;
    let state = app::state(db.clone(), config, clock).await?;
    // The job worker (mail delivery, the hourly session sweep) runs beside the web server.
    let worker = crate::worker::spawn(db.clone(), &state.config, state.clock.clone()).await?;
    let trimming = crate::memory::trim_every(std::time::Duration::from_secs(5));
    let listener = TcpListener::bind(listen).await?;
    tracing::info!("Setia listening on http://{}", listener.local_addr()?);
    axum::serve(
        listener,
        app::router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    trimming.abort();
    worker.shutdown().await;
    db.close().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
