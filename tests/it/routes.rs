//! The route table, walked: every declared route, as anonymous and as each role, gets exactly what
//! its access says (allowed / 403 / redirect to login). The router is built only from the table,
//! and a scan of the sources fails when a route is added around it.

use reqwest::StatusCode;
use setia::app::route_table;
use setia::auth::{groups, password, Role};
use setia::catalog::store::{self as catalog, NewPromo};
use setia::news::store::{self as news, Kind, NewPost};
use setia::retention::store as retention;
use setia::users::store::{self as users, NewUser};
use setia::web::routes::{Access, Heavy, Route};

use crate::common::{spawn, Browser, Resp, TestApp, PASSWORD};
use crate::fixtures::{self, catalog as catalog_fixture, sign_up};

/// Who walks the table.
#[derive(Clone, Copy, Debug)]
enum Visitor {
    Anonymous,
    Role(Role),
    /// A logged-in admin who must change their password first.
    MustChangePassword,
}

#[derive(Debug, PartialEq, Eq)]
enum Expect {
    /// Anything but 403 or the guard's redirect to the login page.
    Allowed,
    Forbidden,
    Login,
    ChangePassword,
}

fn expected(route: &Route, visitor: Visitor) -> Expect {
    let access = route.access;
    match visitor {
        Visitor::Anonymous if access.admits(None) => Expect::Allowed,
        Visitor::Anonymous => Expect::Login,
        Visitor::Role(role) if access.admits(Some(role)) => Expect::Allowed,
        Visitor::Role(_) => Expect::Forbidden,
        Visitor::MustChangePassword => match access {
            Access::Public => Expect::Allowed,
            _ if !access.admits(Some(Role::Admin)) => Expect::Forbidden,
            _ if route.path == "/account/password" => Expect::Allowed,
            _ => Expect::ChangePassword,
        },
    }
}

/// Records that path parameters point at: `(path prefix, value)`, first match wins; `1` else.
struct Params(Vec<(&'static str, String)>);

impl Params {
    fn fill(&self, path: &str) -> String {
        let value = |name: &str| {
            self.0
                .iter()
                .find(|(prefix, _)| {
                    let key = format!("{prefix}{{{name}}}");
                    path.starts_with(&key) || (name != "id" && path.contains(&key))
                })
                .map(|(_, v)| v.clone())
                .unwrap_or_else(|| "1".into())
        };
        let mut out = String::new();
        let mut rest = path;
        while let Some(start) = rest.find('{') {
            let end = rest[start..].find('}').expect("closed parameter") + start;
            out.push_str(&rest[..start]);
            out.push_str(&value(&rest[start + 1..end]));
            rest = &rest[end + 1..];
        }
        out.push_str(rest);
        out
    }
}

/// A database where every parameterised route finds its record, and who owns what.
async fn world(app: &TestApp) -> (Params, Browser) {
    let now = app.clock_now();
    let db = app.db();
    let c = catalog_fixture(app).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    // Staff act on one customer; the customer who walks the table is another, so staff actions
    // (password reset, suspension) never end the walker's session.
    let (_, target_reg) = sign_up(app, &c, "Target Pelanggan", "081200000001", "t@test.id").await;
    fixtures::install(app, &admin, target_reg).await;
    let (customer, own_reg) =
        sign_up(app, &c, "Walker Pelanggan", "081200000002", "w@test.id").await;
    fixtures::install(app, &admin, own_reg).await;
    let sub_of = |reg: i64| async move {
        app.db()
            .scalar::<i64>(
                "SELECT s.id FROM subscriptions s JOIN registrations r ON r.customer_id = s.customer_id \
                 WHERE r.id = $1",
                vec![reg.into()],
            )
            .await
            .unwrap()
    };
    let customer_of = |reg: i64| async move {
        app.db()
            .scalar::<i64>(
                "SELECT customer_id FROM registrations WHERE id = $1",
                vec![reg.into()],
            )
            .await
            .unwrap()
    };
    let target_user = app.create_user(Role::Technician, "target@test.id").await;
    let mut tx = db.begin().await.unwrap();
    let promo = catalog::create_promo(
        &mut tx,
        &NewPromo {
            title: "Gratis pasang",
            title_en: "",
            body: "Bulan ini saja",
            body_en: "",
            starts_on: now.date_naive(),
            ends_on: now.date_naive() + chrono::Duration::days(30),
            published: true,
            packages: &[(c.package, None)],
        },
        now,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let post = news::create(
        db,
        &NewPost {
            slug: "jaringan-baru",
            title: "Jaringan baru",
            summary: "Kami memperluas jaringan",
            body_md: "Isi berita",
            title_en: "",
            summary_en: "",
            body_md_en: "",
            kind: Kind::News,
            published: true,
            author_id: None,
        },
        now,
    )
    .await
    .unwrap();
    let competitor = retention::create(db, "Kabel Lain", "", now).await.unwrap();
    let offer = retention::add_offer(
        db,
        competitor,
        "Hemat 30",
        30,
        setia::types::Rupiah(200_000),
        "",
    )
    .await
    .unwrap();

    let links = app.state.links();
    let admin_actor = setia::audit::Actor {
        id: None,
        name: "Walk",
        ip: "-",
    };
    let ticket = setia::tickets::filing::file(
        db,
        &links,
        admin_actor,
        now,
        setia::tickets::filing::NewTicketInput {
            caller: setia::tickets::filing::Caller::Customer(customer_of(own_reg).await),
            subscription_id: None,
            category: setia::tickets::model::Category::Slow,
            priority: None,
            channel: setia::tickets::model::Channel::Phone,
            body: "Lambat".into(),
            photos: Vec::new(),
            hourly_limit: None,
        },
    )
    .await
    .unwrap()
    .id;
    let saved_reply =
        setia::tickets::service::save_reply(db, admin_actor, now, None, "Halo", "Halo juga")
            .await
            .unwrap();

    let visit = setia::dispatch::service::open_job(
        db,
        admin_actor,
        now,
        setia::dispatch::service::Origin::Ticket(ticket),
        "",
    )
    .await
    .unwrap()
    .id;

    // An NPS survey of everyone: the walker's own request for the portal's answer form.
    let survey = setia::nps::service::start(
        db,
        &links,
        admin_actor,
        now,
        setia::nps::model::Segment::All,
    )
    .await
    .unwrap()
    .survey_id;
    let nps_request = app
        .db()
        .scalar::<i64>(
            "SELECT id FROM nps_requests WHERE survey_id = $1 AND customer_id = $2",
            vec![survey.into(), customer_of(own_reg).await.into()],
        )
        .await
        .unwrap();

    let params = Params(vec![
        ("/staff/surveys/", survey.to_string()),
        ("/portal/nps/", nps_request.to_string()),
        ("/staff/visits/", visit.to_string()),
        ("/portal/tickets/", ticket.to_string()),
        ("/staff/tickets/replies/", saved_reply.to_string()),
        ("/staff/tickets/", ticket.to_string()),
        ("/portal/registrations/", own_reg.to_string()),
        ("/portal/subscriptions/", sub_of(own_reg).await.to_string()),
        ("/signup/done/", own_reg.to_string()),
        ("/staff/registrations/", target_reg.to_string()),
        (
            "/staff/customers/",
            customer_of(target_reg).await.to_string(),
        ),
        (
            "/staff/subscriptions/",
            sub_of(target_reg).await.to_string(),
        ),
        ("/staff/users/", target_user.to_string()),
        ("/staff/packages/", c.package.to_string()),
        ("/staff/areas/", c.area.to_string()),
        ("/staff/promos/", promo.to_string()),
        ("/staff/posts/", post.to_string()),
        ("/staff/competitors/", competitor.to_string()),
        ("/staff/competitors/{id}/offers/", offer.to_string()),
        ("/staff/at-risk/", customer_of(target_reg).await.to_string()),
        ("/news/", "jaringan-baru".into()),
    ]);
    (params, customer)
}

/// Logs in a new admin who must change their password.
async fn must_change_password(app: &TestApp) -> Browser {
    let hash = password::hash(PASSWORD.into()).await.unwrap();
    users::create(
        app.db(),
        &NewUser {
            email: Some("ganti@test.id"),
            phone: None,
            name: "Admin Baru",
            role: Role::Admin,
            password_hash: &hash,
            must_change_password: true,
        },
        app.clock_now(),
    )
    .await
    .unwrap();
    let b = app.browser();
    let r = b.login("ganti@test.id", PASSWORD).await;
    assert_eq!(r.location.as_deref(), Some("/account/password"), "login");
    b
}

async fn send(b: &Browser, route: &Route, path: &str) -> Resp {
    if route.method == reqwest::Method::GET {
        b.get(path).await
    } else {
        assert_eq!(route.method, reqwest::Method::POST, "{route:?}");
        b.post(path, &[]).await
    }
}

fn check(route: &Route, path: &str, visitor: Visitor, r: &Resp) {
    let what = format!(
        "{visitor:?} {} {path} (declared {:?})",
        route.method, route.access
    );
    assert!(r.status.as_u16() < 500, "{what}: {}\n{}", r.status, r.body);
    let location = r.location.as_deref().unwrap_or("");
    let guard_login = format!(
        "/login?{}",
        serde_urlencoded::to_string([("next", path)]).unwrap()
    );
    match expected(route, visitor) {
        Expect::Allowed => {
            assert_ne!(r.status, StatusCode::FORBIDDEN, "{what}");
            // Pages may send visitors to the login page themselves (logging out does), but never
            // the guard's way; a lost session would show up here too.
            assert!(!location.starts_with("/login?next="), "{what}: {location}");
        }
        Expect::Forbidden => {
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{what}");
            r.assert_contains("Anda tidak punya akses");
        }
        Expect::Login => {
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{what}");
            assert_eq!(location, guard_login, "{what}");
        }
        Expect::ChangePassword => {
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{what}");
            assert_eq!(location, "/account/password", "{what}");
        }
    }
}

#[tokio::test]
async fn every_route_answers_each_role_as_its_access_says() {
    let table = route_table();
    let app = spawn().await;
    let (params, customer) = world(&app).await;

    let mut visitors: Vec<(Visitor, Browser)> = vec![(Visitor::Anonymous, app.browser())];
    for role in Role::STAFF {
        visitors.push((Visitor::Role(role), app.logged_in(role).await.0));
    }
    visitors.push((Visitor::Role(Role::Customer), customer));
    visitors.push((
        Visitor::MustChangePassword,
        must_change_password(&app).await,
    ));

    // Logging out ends the walker's session, so it comes last.
    let (rest, logout): (Vec<&Route>, Vec<&Route>) = table
        .iter()
        .partition(|r| !(r.path == "/logout" && r.method == reqwest::Method::POST));
    let mut walked = 0;
    for (visitor, b) in &visitors {
        for route in rest.iter().chain(logout.iter()) {
            let path = params.fill(route.path);
            let r = send(b, route, &path).await;
            check(route, &path, *visitor, &r);
            walked += 1;
        }
    }
    assert_eq!(walked, table.len() * visitors.len());
}

/// A method a path does not serve is answered by the path's guard first, as before the table:
/// nobody learns which methods a private page takes without being allowed on it.
#[tokio::test]
async fn a_wrong_method_meets_the_guard_before_405() {
    let app = spawn().await;
    let r = app.browser().post("/staff/audit", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location.as_deref(), Some("/login?next=%2Fstaff%2Faudit"));
    let (customer, _) = app.logged_in(Role::Customer).await;
    let r = customer.post("/staff/audit", &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let (sysadmin, _) = app.logged_in(Role::SystemAdmin).await;
    let r = sysadmin.post("/staff/audit", &[]).await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
}

/// The pages that read up to a year of data wait for a heavy-read slot (the reports, the
/// at-risk list, and the staff home, which is the director's dashboard), and only they do.
#[test]
fn heavy_reads_are_marked_in_the_table() {
    for r in route_table() {
        let expected = if r.path.starts_with("/staff/reports") || r.path == "/staff/at-risk" {
            Some(Heavy::Everyone)
        } else if r.path == "/staff" {
            Some(Heavy::Roles(groups::DIRECTOR))
        } else {
            None
        };
        assert_eq!(r.heavy, expected, "{} {}", r.method, r.path);
    }
}

#[test]
fn the_table_has_every_route_once_and_the_areas_keep_their_people() {
    let table = route_table();
    assert!(table.len() > 70, "only {} routes", table.len());
    for (i, a) in table.iter().enumerate() {
        assert!(
            !table[i + 1..]
                .iter()
                .any(|b| b.method == a.method && b.path == a.path),
            "{} {} declared twice",
            a.method,
            a.path
        );
    }
    for r in &table {
        let roles = r.access.roles();
        let staff_only = roles.is_some_and(|rs| rs.iter().all(|role| role.is_staff()));
        if r.path == "/staff" || r.path.starts_with("/staff/") {
            assert!(staff_only, "{} {} must admit staff only", r.method, r.path);
        } else if r.path == "/portal" || r.path.starts_with("/portal/") {
            assert_eq!(
                roles,
                Some(groups::CUSTOMER),
                "{} {} is for customers",
                r.method,
                r.path
            );
        } else if r.path.starts_with("/account/") {
            assert_eq!(r.access, Access::AnyUser, "{} {}", r.method, r.path);
        }
    }
    // What the public must reach without logging in.
    for public in [
        "/",
        "/login",
        "/signup",
        "/packages",
        "/news",
        "/healthz",
        "/readyz",
    ] {
        assert!(
            table
                .iter()
                .any(|r| r.path == public && r.access == Access::Public),
            "{public} is public"
        );
    }
}

/// The router is built only from the table; a route added around it (a raw `.route(` call, or a
/// guard layered by hand) fails here.
#[test]
fn no_route_is_added_outside_the_table() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let allowed = root.join("web").join("routes.rs");
    let forbidden = [
        ".route(",
        ".route_service(",
        ".route_layer(",
        ".nest(",
        ".nest_service(",
    ];
    let mut found = Vec::new();
    let mut dirs = vec![root.clone()];
    let mut files = 0;
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") || path == allowed {
                continue;
            }
            files += 1;
            let text = std::fs::read_to_string(&path).unwrap();
            for (n, line) in text.lines().enumerate() {
                let code = line.trim_start();
                if code.starts_with("//") {
                    continue;
                }
                if forbidden.iter().any(|f| code.contains(f)) {
                    found.push(format!(
                        "{}:{}: {}",
                        path.strip_prefix(&root).unwrap().display(),
                        n + 1,
                        code
                    ));
                }
            }
        }
    }
    assert!(files > 20, "scanned only {files} files under {root:?}");
    assert!(
        found.is_empty(),
        "routes must be declared in the table (crate::web::routes::Routes), not with:\n{}",
        found.join("\n")
    );
}

#[test]
fn routes_that_change_cached_reads_are_marked_in_the_table() {
    // The public site's content, and the lists the staff pages' filters and pickers show
    // (areas, packages, staff by role, saved replies, competitors' offers).
    let cached = [
        "/staff/packages",
        "/staff/promos",
        "/staff/areas",
        "/staff/posts",
        "/staff/users",
        "/staff/tickets/replies",
        "/staff/competitors",
    ];
    for r in route_table() {
        // Page views change nothing; the waiting list only reads the areas.
        let expected = r.method != reqwest::Method::GET
            && (r.path == "/staff/company"
                || (r.path != "/staff/areas/waiting-list"
                    && cached
                        .iter()
                        .any(|p| r.path == *p || r.path.starts_with(&format!("{p}/")))));
        assert_eq!(r.clears_cache, expected, "{} {}", r.method, r.path);
    }
}
