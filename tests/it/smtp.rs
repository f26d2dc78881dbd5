#![allow(dead_code)] // shared by the mail, jobs and password-reset tests
//! A minimal SMTP server on 127.0.0.1:0 that records what it is sent (EHLO/HELO, MAIL, RCPT,
//! DATA, RSET, NOOP, QUIT), or refuses every mail with a temporary error when told to.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use base64::Engine;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

use crate::common::{spawn_with, TestApp};
use setia::config::SmtpTls;

#[derive(Clone, Debug)]
pub struct Received {
    pub from: String,
    pub rcpt: Vec<String>,
    /// The message as sent (headers, blank line, body), dot-stuffing undone.
    pub data: String,
}

impl Received {
    /// The value of header `name` (first occurrence, unfolded).
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next().unwrap_or("");
        let mut out: Option<String> = None;
        for line in head.split("\r\n") {
            if line.starts_with([' ', '\t']) {
                if let Some(v) = out.as_mut() {
                    v.push_str(line.trim_start());
                    continue;
                }
            } else if out.is_some() {
                break;
            }
            if let Some((k, v)) = line.split_once(':') {
                if k.eq_ignore_ascii_case(name) {
                    out = Some(v.trim().to_string());
                }
            }
        }
        out
    }

    /// The body, decoded from base64 when so encoded.
    pub fn body(&self) -> String {
        let raw = self.data.split_once("\r\n\r\n").map(|x| x.1).unwrap_or("");
        match self.header("Content-Transfer-Encoding").as_deref() {
            Some(e) if e.eq_ignore_ascii_case("base64") => {
                let compact: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(compact)
                    .expect("valid base64 body");
                String::from_utf8(bytes).expect("UTF-8 body")
            }
            _ => raw.to_string(),
        }
    }
}

#[derive(Clone)]
pub struct SmtpServer {
    pub port: u16,
    messages: Arc<Mutex<Vec<Received>>>,
    refuse: Arc<AtomicBool>,
}

impl SmtpServer {
    pub async fn start() -> SmtpServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let server = SmtpServer {
            port: listener.local_addr().unwrap().port(),
            messages: Arc::default(),
            refuse: Arc::default(),
        };
        let s = server.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let s = s.clone();
                tokio::spawn(async move {
                    let _ = s.session(stream).await;
                });
            }
        });
        server
    }

    /// From now on every mail gets "451 try again later" (or is accepted again).
    pub fn refuse(&self, yes: bool) {
        self.refuse.store(yes, Ordering::SeqCst);
    }

    pub fn messages(&self) -> Vec<Received> {
        self.messages.lock().unwrap().clone()
    }

    async fn session(&self, stream: TcpStream) -> std::io::Result<()> {
        let (r, mut w) = stream.into_split();
        let mut lines = BufReader::new(r);
        w.write_all(b"220 test.local ESMTP ready\r\n").await?;
        let mut from = String::new();
        let mut rcpt = Vec::new();
        let mut line = String::new();
        loop {
            line.clear();
            if lines.read_line(&mut line).await? == 0 {
                return Ok(());
            }
            let cmd = line.trim_end().to_string();
            let upper = cmd.to_ascii_uppercase();
            let reply: &[u8] = if upper.starts_with("EHLO") {
                b"250-test.local\r\n250 8BITMIME\r\n"
            } else if upper.starts_with("HELO") || upper.starts_with("NOOP") {
                b"250 OK\r\n"
            } else if upper.starts_with("RSET") {
                from.clear();
                rcpt.clear();
                b"250 OK\r\n"
            } else if upper.starts_with("MAIL FROM:") {
                if self.refuse.load(Ordering::SeqCst) {
                    b"451 4.3.0 Mailbox temporarily unavailable, try again later\r\n"
                } else {
                    from = cmd[10..].trim().trim_matches(['<', '>']).to_string();
                    b"250 OK\r\n"
                }
            } else if upper.starts_with("RCPT TO:") {
                rcpt.push(cmd[8..].trim().trim_matches(['<', '>']).to_string());
                b"250 OK\r\n"
            } else if upper == "DATA" {
                w.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    .await?;
                let mut data = String::new();
                loop {
                    line.clear();
                    if lines.read_line(&mut line).await? == 0 {
                        return Ok(());
                    }
                    if line == ".\r\n" || line == ".\n" {
                        break;
                    }
                    let l = line.strip_prefix('.').unwrap_or(&line);
                    data.push_str(l);
                }
                // Stored without the final CRLF before the terminating dot.
                let data = data.strip_suffix("\r\n").unwrap_or(&data).to_string();
                self.messages.lock().unwrap().push(Received {
                    from: std::mem::take(&mut from),
                    rcpt: std::mem::take(&mut rcpt),
                    data,
                });
                b"250 OK queued\r\n"
            } else if upper == "QUIT" {
                w.write_all(b"221 Bye\r\n").await?;
                return Ok(());
            } else {
                b"502 Command not implemented\r\n"
            };
            w.write_all(reply).await?;
        }
    }
}

/// The app configured to deliver mail to a fresh [`SmtpServer`].
pub async fn app_with_smtp() -> (TestApp, SmtpServer) {
    app_with_smtp_and(|_| {}).await
}

/// [`app_with_smtp`] with more settings of the test's own.
pub async fn app_with_smtp_and(
    configure: impl FnOnce(&mut setia::config::Config),
) -> (TestApp, SmtpServer) {
    let server = SmtpServer::start().await;
    let port = server.port;
    let app = spawn_with(|c| {
        c.smtp_host = Some("127.0.0.1".into());
        c.smtp_port = Some(port);
        c.smtp_tls = SmtpTls::None;
        c.mail_from = "Blitz Net <noreply@blitz.test>".into();
        c.base_url = "https://crm.blitz.test".into();
        configure(c);
    })
    .await;
    (app, server)
}

/// Runs every due job once, as a worker of `app` would; returns how many ran.
pub async fn run_jobs(app: &TestApp) -> usize {
    let registry = setia::worker::registry(&app.state.config).unwrap();
    setia::jobs::run_due(app.db(), app.clock_now(), &registry, "test-worker")
        .await
        .unwrap()
}
