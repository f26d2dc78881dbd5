//! Browser tests: the real app driven through Debian's Chromium by chromedriver (fantoccini).
//!
//! They run only with `SETIA_BROWSER_TESTS=1` (CI sets it, see `.ci/run`); without it each test
//! prints that it is skipped and passes, so a plain `cargo test` works on a machine without
//! Chromium. With it, a missing `/usr/bin/chromium` or `/usr/bin/chromedriver` fails the test.
//! Only 127.0.0.1 is contacted: chromedriver on a free local port and the app under test.
//!
//! Screenshots of each (role, width) are written to `target/screenshots/` for humans to look at.

#[path = "it/common.rs"]
mod common;

use std::future::Future;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::PASSWORD;
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use setia::auth::Role;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const PHONE: (u32, u32) = (360, 800);
const DESKTOP: (u32, u32) = (1280, 900);
/// Chromium does not make a window narrower than this; below it the viewport is emulated.
const MIN_WINDOW_WIDTH: u32 = 500;
const WAIT: Duration = Duration::from_secs(15);

/// True when the browser tests should run; otherwise prints the skip line for `test`.
fn enabled(test: &str) -> bool {
    if std::env::var("SETIA_BROWSER_TESTS").as_deref() == Ok("1") {
        true
    } else {
        println!("skipped {test}: set SETIA_BROWSER_TESTS=1 to run the browser tests");
        false
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free local port");
    listener.local_addr().unwrap().port()
}

/// A chromedriver process of our own; killed (with what it started) when dropped.
struct Driver {
    child: Child,
    url: String,
    log: PathBuf,
    dir: tempfile::TempDir,
}

impl Driver {
    async fn start() -> Driver {
        for bin in [CHROMIUM, CHROMEDRIVER] {
            assert!(
                Path::new(bin).exists(),
                "SETIA_BROWSER_TESTS=1 but {bin} is missing: \
                 install it with `apt-get install -y chromium chromium-driver` (not skipping)"
            );
        }
        let dir = tempfile::tempdir().expect("temp dir for chromedriver");
        let log = dir.path().join("chromedriver.log");
        let port = free_port();
        let child = {
            use std::os::unix::process::CommandExt;
            Command::new(CHROMEDRIVER)
                .arg(format!("--port={port}"))
                .arg(format!("--log-path={}", log.display()))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                // Its own process group, so Drop can end the browsers it started too.
                .process_group(0)
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {CHROMEDRIVER}: {e} (not skipping)"))
        };
        let driver = Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
            log,
            dir,
        };
        driver.wait_ready().await;
        driver
    }

    async fn wait_ready(&self) {
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(2))
            .build()
            .unwrap();
        let deadline = Instant::now() + WAIT;
        loop {
            if let Ok(r) = http.get(format!("{}/status", self.url)).send().await {
                if r.status().is_success() {
                    return;
                }
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver did not answer on {} within {WAIT:?}; its log:\n{}",
                self.url,
                std::fs::read_to_string(&self.log).unwrap_or_default()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// A new Chromium session with a fresh profile and a window of `width` x `height`. Its
    /// first page, `base` + `first` (loaded with an empty cache), checks the viewport width.
    async fn session_at(&self, base: &str, (width, height): (u32, u32), first: &str) -> Client {
        // A fresh profile per session, removed with `self.dir`.
        let profile = self
            .dir
            .path()
            .join(format!("profile-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir(&profile).expect("profile dir");
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    format!("--user-data-dir={}", profile.display()),
                    format!("--window-size={width},{height}"),
                ],
            },
        });
        let mut caps = caps;
        if width < MIN_WINDOW_WIDTH {
            // Headless Chromium keeps windows at least 500 px wide whatever --window-size says,
            // so a phone viewport is emulated (as DevTools' device mode does).
            caps["goog:chromeOptions"]["mobileEmulation"] = json!({
                "deviceMetrics": {
                    "width": width,
                    "height": height,
                    "pixelRatio": 1.0,
                    "mobile": true,
                    "touch": true,
                },
            });
        }
        let serde_json::Value::Object(caps) = caps else {
            unreachable!()
        };
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&self.url)
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start Chromium through chromedriver: {e}; chromedriver log:\n{}",
                    std::fs::read_to_string(&self.log).unwrap_or_default()
                )
            });
        client.goto(&format!("{base}{first}")).await.unwrap();
        let inner: u64 = client
            .execute("return window.innerWidth", vec![])
            .await
            .unwrap()
            .as_u64()
            .unwrap_or(0);
        assert_eq!(inner, u64::from(width), "viewport width of the browser");
        client
    }

    /// Runs `body` in a browser session of the given size; the session ends even if it panics.
    async fn with_browser<F, Fut>(&self, base: &str, size: (u32, u32), body: F)
    where
        F: FnOnce(Client) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.with_browser_at(base, size, "/login", body).await;
    }

    /// [`Driver::with_browser`] whose first page is `first` (loaded cold).
    async fn with_browser_at<F, Fut>(&self, base: &str, size: (u32, u32), first: &str, body: F)
    where
        F: FnOnce(Client) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let client = self.session_at(base, size, first).await;
        let outcome = tokio::spawn(body(client.clone())).await;
        let _ = client.close().await;
        if let Err(e) = outcome {
            match e.try_into_panic() {
                Ok(panic) => std::panic::resume_unwind(panic),
                Err(e) => panic!("browser task failed: {e}"),
            }
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The negative id is the process group we created: chromedriver and its browsers.
        let _ = Command::new("kill")
            .arg("-KILL")
            .arg("--")
            .arg(format!("-{}", self.child.id()))
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---- page helpers ----------------------------------------------------------------------------

async fn find(c: &Client, css: &str) -> Element {
    match c.wait().at_most(WAIT).for_element(Locator::Css(css)).await {
        Ok(e) => e,
        Err(e) => panic!("no element {css:?} on {}: {e}", url(c).await),
    }
}

async fn url(c: &Client) -> String {
    c.current_url()
        .await
        .map(|u| u.to_string())
        .unwrap_or_default()
}

async fn path(c: &Client) -> String {
    c.current_url().await.unwrap().path().to_string()
}

/// Waits until the browser is on `want` (path only) and that page has loaded.
async fn wait_for_path(c: &Client, want: &str) {
    let deadline = Instant::now() + WAIT;
    loop {
        if path(c).await == want {
            break;
        }
        if Instant::now() > deadline {
            panic!("expected to reach {want}, still on {}", url(c).await);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    find(c, "footer.footer").await;
}

async fn text(c: &Client, css: &str) -> String {
    find(c, css).await.text().await.unwrap()
}

/// The bounding box `(left, top, right, bottom)` of the first element matching `css`.
async fn rect(c: &Client, css: &str) -> (f64, f64, f64, f64) {
    find(c, css).await;
    let v = c
        .execute(
            "const r = document.querySelector(arguments[0]).getBoundingClientRect(); \
             return [r.left, r.top, r.right, r.bottom];",
            vec![json!(css)],
        )
        .await
        .unwrap();
    let n = |i: usize| v[i].as_f64().unwrap();
    (n(0), n(1), n(2), n(3))
}

/// Whether the page scrolls sideways.
async fn overflows(c: &Client) -> bool {
    c.execute(
        "return document.documentElement.scrollWidth > window.innerWidth",
        vec![],
    )
    .await
    .unwrap()
    .as_bool()
    .unwrap()
}

/// Whether any filter field (input or select) of the list's filter form is rendered.
async fn filter_fields_shown(c: &Client) -> bool {
    c.execute(
        "return [...document.querySelectorAll('form.filters select, form.filters input:not([type=hidden])')] \
           .some(e => e.checkVisibility());",
        vec![],
    )
    .await
    .unwrap()
    .as_bool()
    .unwrap()
}

/// The header's layout: on a phone the language switch shows beside the (closed) menu button,
/// inside the viewport; on a desktop the account actions and then the language switch sit on the
/// brand's row, to its right.
async fn check_header(c: &Client, role: Role, width: u32) {
    let at = format!("{role} at {width}px on {}", url(c).await);
    let lang = find(c, "header form.lang button").await;
    assert!(
        lang.is_displayed().await.unwrap(),
        "{at}: language switch hidden"
    );
    if width < 900 {
        let closed: bool = c
            .execute(
                "return !document.getElementById('nav-toggle').checked",
                vec![],
            )
            .await
            .unwrap()
            .as_bool()
            .unwrap();
        assert!(closed, "{at}: the menu should be closed");
        let (left, top, right, bottom) = rect(c, "header form.lang button").await;
        assert!(
            left >= 0.0 && top >= 0.0 && right <= f64::from(width) && bottom <= 800.0,
            "{at}: language switch outside the viewport: {left},{top} - {right},{bottom}"
        );
        let (_, _, _, label_bottom) = rect(c, ".nav-toggle-label").await;
        assert!(
            top < label_bottom,
            "{at}: language switch not beside the menu button (top {top}, menu button ends {label_bottom})"
        );
    } else {
        let brand = rect(c, "header .brand").await;
        let account = rect(c, "header .account").await;
        let lang = rect(c, "header form.lang").await;
        let middle = |r: (f64, f64, f64, f64)| (r.1 + r.3) / 2.0;
        assert!(
            account.0 > brand.2 && lang.2 > f64::from(width) * 0.8,
            "{at}: account actions {account:?} and language switch {lang:?} should be on the right, after the brand {brand:?}"
        );
        assert!(
            lang.0 >= account.2,
            "{at}: language switch {lang:?} should follow the account actions {account:?}"
        );
        for (name, r) in [("account actions", account), ("language switch", lang)] {
            assert!(
                (middle(r) - middle(brand)).abs() < 12.0,
                "{at}: {name} {r:?} not on the brand's row {brand:?}"
            );
        }
    }
}

/// Waits until the element at `css` reads `want`, across page loads (stale elements retried).
async fn wait_for_text(c: &Client, css: &str, want: &str) {
    let deadline = Instant::now() + WAIT;
    loop {
        let now = match c.find(Locator::Css(css)).await {
            Ok(e) => e.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if now == want {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{css} reads {now:?}, expected {want:?} on {}",
            url(c).await
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn screenshot(c: &Client, name: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).expect("create target/screenshots");
    let png = c.screenshot().await.expect("screenshot");
    std::fs::write(dir.join(format!("{name}.png")), png).expect("write screenshot");
}

/// The hrefs of the header navigation and whether each link is displayed.
async fn nav_links(c: &Client) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    for a in c.find_all(Locator::Css("header nav a")).await.unwrap() {
        let href = a.attr("href").await.unwrap().unwrap_or_default();
        out.push((href, a.is_displayed().await.unwrap()));
    }
    out
}

async fn open_menu(c: &Client) {
    find(c, ".nav-toggle-label").await.click().await.unwrap();
}

/// Opens /login, types the credentials and submits the form.
async fn submit_login(c: &Client, base: &str, login: &str, password: &str) {
    c.goto(&format!("{base}/login")).await.unwrap();
    let field = find(c, "input[name=login]").await;
    field.clear().await.unwrap();
    field.send_keys(login).await.unwrap();
    find(c, "input[name=password]")
        .await
        .send_keys(password)
        .await
        .unwrap();
    find(c, "form[action='/login'] .btn")
        .await
        .click()
        .await
        .unwrap();
}

/// Clicks the logout button in the header (opening the menu on a phone) and expects /login.
async fn logout(c: &Client, phone: bool) {
    let button = find(c, "header form[action='/logout'] button").await;
    if phone && !button.is_displayed().await.unwrap() {
        open_menu(c).await;
    }
    assert!(
        button.is_displayed().await.unwrap(),
        "logout button hidden on {}",
        url(c).await
    );
    button.click().await.unwrap();
    wait_for_path(c, "/login").await;
    assert!(
        c.find(Locator::Css("header form[action='/logout']"))
            .await
            .is_err(),
        "still logged in after logout"
    );
}

fn email_for(role: Role) -> String {
    format!("{}@browser.test", role.as_str().replace('_', "-"))
}

/// The name `common::create_user` gives the account.
fn name_for(role: Role) -> String {
    let email = email_for(role);
    format!("{} {}", role.as_str(), email.split('@').next().unwrap())
}

fn check_role_nav(role: Role, hrefs: &[String]) {
    let has = |h: &str| hrefs.iter().any(|x| x == h);
    let ctx = format!("{role} navigation: {hrefs:?}");
    match role {
        Role::SystemAdmin => {
            assert!(has("/staff/users"), "{ctx}");
            assert!(has("/staff/audit"), "{ctx}");
        }
        Role::Director => {
            assert!(has("/staff/customers"), "{ctx}");
            assert!(has("/staff/competitors"), "{ctx}");
            assert!(!has("/staff/users"), "{ctx}");
        }
        Role::Admin => {
            assert!(has("/staff/packages"), "{ctx}");
            assert!(!has("/staff/audit"), "{ctx}");
        }
        Role::Technician => {
            assert!(!has("/staff/users"), "{ctx}");
            assert!(!has("/staff/customers"), "{ctx}");
        }
        Role::Customer => {
            assert!(!hrefs.iter().any(|h| h.starts_with("/staff")), "{ctx}");
        }
    }
}

// ---- tests -----------------------------------------------------------------------------------

#[tokio::test]
async fn each_role_logs_in_and_sees_its_navigation() {
    if !enabled("each_role_logs_in_and_sees_its_navigation") {
        return;
    }
    let app = common::spawn().await;
    for role in Role::ALL {
        app.create_user(role, &email_for(role)).await;
    }
    let driver = Driver::start().await;
    for size in [PHONE, DESKTOP] {
        let base = app.base.clone();
        driver
            .with_browser(&app.base, size, move |c| async move {
                for role in Role::ALL {
                    login_and_check(&c, &base, role, size).await;
                }
            })
            .await;
    }
}

async fn login_and_check(c: &Client, base: &str, role: Role, (width, _): (u32, u32)) {
    let phone = width < 900;
    let shot = format!("{}-{width}", role.as_str());
    submit_login(c, base, &email_for(role), PASSWORD).await;
    let home = if role.is_staff() { "/staff" } else { "/portal" };
    wait_for_path(c, home).await;
    check_header(c, role, width).await;

    if role.is_staff() {
        let links = nav_links(c).await;
        let hrefs: Vec<String> = links.iter().map(|(h, _)| h.clone()).collect();
        check_role_nav(role, &hrefs);
        assert!(!links.is_empty(), "{role} sees no navigation");
        if phone {
            assert!(
                links.iter().all(|(_, shown)| !shown),
                "{role} at {width}px: the menu should start collapsed: {links:?}"
            );
            let label = find(c, ".nav-toggle-label").await;
            assert!(label.is_displayed().await.unwrap(), "menu button hidden");
            label.click().await.unwrap();
            let links = nav_links(c).await;
            assert!(
                links.iter().all(|(_, shown)| *shown),
                "{role} at {width}px: the opened menu should show every link: {links:?}"
            );
        } else {
            assert!(
                links.iter().all(|(_, shown)| *shown),
                "{role} at {width}px: the menu should be visible without a click: {links:?}"
            );
            let label = find(c, ".nav-toggle-label").await;
            assert!(
                !label.is_displayed().await.unwrap(),
                "the menu button should be hidden on a desktop"
            );
        }
        // Read once the menu is visible: `text()` is the rendered text.
        let who = text(c, "[data-testid=who]").await;
        assert!(
            who.contains(&name_for(role)),
            "{role}: header shows {who:?}, expected the name {:?}",
            name_for(role)
        );
    } else {
        // The customer portal may not exist yet (a 404 page): only the redirect target and, when
        // the header is there, the name are asserted.
        if phone {
            if let Ok(label) = c.find(Locator::Css(".nav-toggle-label")).await {
                if label.is_displayed().await.unwrap_or(false) {
                    label.click().await.unwrap();
                }
            }
        }
        if let Ok(who) = c.find(Locator::Css("[data-testid=who]")).await {
            let who = who.prop("textContent").await.unwrap().unwrap_or_default();
            assert!(
                who.contains(&name_for(role)),
                "customer: header shows {who:?}, expected {:?}",
                name_for(role)
            );
        }
        let hrefs: Vec<String> = nav_links(c).await.into_iter().map(|(h, _)| h).collect();
        check_role_nav(role, &hrefs);
    }
    screenshot(c, &shot).await;

    if c.find(Locator::Css("header form[action='/logout'] button"))
        .await
        .is_ok()
    {
        logout(c, phone).await;
    } else {
        // No header on this page: the logout page's own button does the same.
        c.goto(&format!("{base}/logout")).await.unwrap();
        find(c, "main form[action='/logout'] button")
            .await
            .click()
            .await
            .unwrap();
        wait_for_path(c, "/login").await;
    }
}

#[tokio::test]
async fn login_error_and_language_switch() {
    if !enabled("login_error_and_language_switch") {
        return;
    }
    let app = common::spawn().await;
    let email = "teknisi@browser.test";
    app.create_user(Role::Technician, email).await;
    let driver = Driver::start().await;
    let base = app.base.clone();
    driver
        .with_browser(&app.base, PHONE, move |c| async move {
            submit_login(&c, &base, email, "salah-sandi-sekali").await;
            let error = text(&c, "#login-error").await;
            assert!(error.contains("Gagal masuk"), "login error: {error:?}");
            assert_eq!(path(&c).await, "/login");
            let kept = find(&c, "input[name=login]").await.prop("value").await;
            assert_eq!(kept.unwrap().as_deref(), Some(email), "typed login kept");
            screenshot(&c, "login-error-360").await;

            let lang = find(&c, "header button[name=lang][value=en]").await;
            assert!(
                lang.is_displayed().await.unwrap(),
                "the language button shows at 360 px without opening the menu"
            );
            lang.click().await.unwrap();

            let deadline = Instant::now() + WAIT;
            loop {
                let h1 = match c.find(Locator::Css("main h1")).await {
                    Ok(h) => h.text().await.unwrap_or_default(),
                    Err(_) => String::new(),
                };
                if h1.contains("Log in to Setia") {
                    break;
                }
                assert!(
                    Instant::now() < deadline,
                    "page did not switch to English; heading {h1:?} on {}",
                    url(&c).await
                );
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            assert_eq!(
                path(&c).await,
                "/login",
                "language switch returns to the page"
            );
            let html_lang = find(&c, "html").await.attr("lang").await.unwrap();
            assert_eq!(html_lang.as_deref(), Some("en"));
            screenshot(&c, "login-en-360").await;
        })
        .await;
}

#[tokio::test]
async fn forced_password_change_flow() {
    if !enabled("forced_password_change_flow") {
        return;
    }
    let app = common::spawn().await;
    let email = "admin-baru@browser.test";
    let id = app.create_user(Role::Admin, email).await;
    app.db()
        .execute(
            "UPDATE users SET must_change_password = TRUE WHERE id = $1",
            setia::args![id],
        )
        .await
        .unwrap();
    let driver = Driver::start().await;
    let base = app.base.clone();
    driver
        .with_browser(&app.base, PHONE, move |c| async move {
            submit_login(&c, &base, email, PASSWORD).await;
            wait_for_path(&c, "/account/password").await;
            screenshot(&c, "password-forced-360").await;
            let new = "teh-manis-bandung-2026";
            find(&c, "#f-current")
                .await
                .send_keys(PASSWORD)
                .await
                .unwrap();
            find(&c, "#f-new").await.send_keys(new).await.unwrap();
            find(&c, "#f-confirm").await.send_keys(new).await.unwrap();
            find(&c, "form[action='/account/password'] .btn")
                .await
                .click()
                .await
                .unwrap();
            wait_for_path(&c, "/staff").await;
            let flash = text(&c, ".flash").await;
            assert!(!flash.trim().is_empty(), "flash message shown");
            screenshot(&c, "password-changed-360").await;
        })
        .await;
}

/// Waits until the browser's path starts with `prefix`; returns the path.
async fn wait_for_prefix(c: &Client, prefix: &str) -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        let p = path(c).await;
        if p.starts_with(prefix) {
            find(c, "footer.footer").await;
            return p;
        }
        if Instant::now() > deadline {
            panic!("expected a page under {prefix}, still on {}", url(c).await);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn sign_up_on_a_phone_and_follow_it_in_the_portal() {
    if !enabled("sign_up_on_a_phone_and_follow_it_in_the_portal") {
        return;
    }
    use setia::catalog::store::{self as catalog, NewPackage};
    let app = common::spawn().await;
    let now = app.clock_now();
    let package = NewPackage {
        name: "Rumah 20",
        download_mbps: 20,
        upload_mbps: 10,
        price: setia::types::Rupiah(250_000),
        features: "Unlimited",
        features_en: "",
        published: true,
        sort_order: 0,
    };
    let package = catalog::create_package(app.db(), &package, now)
        .await
        .unwrap();
    let area = catalog::create_area(app.db(), "Cibabat", "Cimahi", true, now)
        .await
        .unwrap();
    let driver = Driver::start().await;
    let base = app.base.clone();
    driver
        .with_browser(&app.base, PHONE, move |c| async move {
            c.goto(&format!("{base}/signup?package={package}"))
                .await
                .unwrap();
            find(&c, "#f-name")
                .await
                .send_keys("Dewi Lestari")
                .await
                .unwrap();
            find(&c, "#f-phone")
                .await
                .send_keys("0812-3456-7890")
                .await
                .unwrap();
            // First without an address and consent: the errors show and the typing stays.
            find(&c, "form[action='/signup'] button[type=submit]")
                .await
                .click()
                .await
                .unwrap();
            find(&c, ".has-error").await;
            let kept = find(&c, "#f-name").await.prop("value").await.unwrap();
            assert_eq!(kept.as_deref(), Some("Dewi Lestari"));
            screenshot(&c, "signup-errors-360").await;

            find(&c, "#f-address")
                .await
                .send_keys("Jl. Kolonel Masturi No. 12")
                .await
                .unwrap();
            find(&c, "#f-area_id")
                .await
                .select_by_value(&area.to_string())
                .await
                .unwrap();
            find(&c, "#f-password")
                .await
                .send_keys(PASSWORD)
                .await
                .unwrap();
            find(&c, "input[name=consent]").await.click().await.unwrap();
            find(&c, "form[action='/signup'] button[type=submit]")
                .await
                .click()
                .await
                .unwrap();
            wait_for_prefix(&c, "/signup/done/").await;
            let number = text(&c, "[data-testid=registration-number]").await;
            assert_eq!(number, "REG-2026-000001");
            screenshot(&c, "signup-done-360").await;

            find(&c, "a.btn[href='/portal']")
                .await
                .click()
                .await
                .unwrap();
            wait_for_path(&c, "/portal").await;
            let current = text(&c, ".steps li[aria-current=step]").await;
            assert_eq!(current, "Menunggu verifikasi");
            let code = text(&c, "[data-testid=referral-code]").await;
            assert_eq!(code.len(), 6);
            screenshot(&c, "portal-360").await;
        })
        .await;
}

#[tokio::test]
async fn the_bell_shows_on_a_phone_without_opening_the_menu() {
    if !enabled("the_bell_shows_on_a_phone_without_opening_the_menu") {
        return;
    }
    let app = common::spawn().await;
    let user = app.create_user(Role::Admin, &email_for(Role::Admin)).await;
    let mut tx = app.db().begin().await.unwrap();
    for n in 1..=120 {
        let number = format!("TKT-2026-{n:06}");
        setia::notify::inbox::push(
            &mut tx,
            &[user],
            "inbox.message.ticket_update",
            &[("number", number.as_str())],
            "/staff",
            app.clock_now(),
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let driver = Driver::start().await;
    let base = app.base.clone();
    driver
        .with_browser(&app.base, PHONE, move |c| async move {
            submit_login(&c, &base, &email_for(Role::Admin), PASSWORD).await;
            wait_for_path(&c, "/staff").await;
            // The menu is closed, the bell is on screen with its count.
            assert!(nav_links(&c).await.iter().all(|(_, shown)| !shown));
            let bell = find(&c, "[data-testid=bell]").await;
            assert!(bell.is_displayed().await.unwrap(), "bell hidden at 360 px");
            assert_eq!(text(&c, "[data-testid=bell-count]").await, "99+");
            let right: f64 = c
                .execute(
                    "return document.querySelector('[data-testid=bell]').getBoundingClientRect().right",
                    vec![],
                )
                .await
                .unwrap()
                .as_f64()
                .unwrap();
            assert!(right <= 360.0, "the bell ends at {right} px");
            let wide: bool = c
                .execute(
                    "return document.documentElement.scrollWidth > window.innerWidth",
                    vec![],
                )
                .await
                .unwrap()
                .as_bool()
                .unwrap();
            assert!(!wide, "the page scrolls sideways");
            screenshot(&c, "bell-360").await;

            bell.click().await.unwrap();
            wait_for_path(&c, "/staff/notifications").await;
            screenshot(&c, "notifications-360").await;
            find(&c, ".inbox li.unread a").await.click().await.unwrap();
            wait_for_path(&c, "/staff").await;
        })
        .await;
}

#[tokio::test]
async fn a_complaint_with_a_photo_is_answered_resolved_and_rated() {
    if !enabled("a_complaint_with_a_photo_is_answered_resolved_and_rated") {
        return;
    }
    use setia::catalog::store::{self as catalog, NewPackage};
    let app = common::spawn().await;
    let now = app.clock_now();
    let package = NewPackage {
        name: "Rumah 20",
        download_mbps: 20,
        upload_mbps: 10,
        price: setia::types::Rupiah(250_000),
        features: "Unlimited",
        features_en: "",
        published: true,
        sort_order: 0,
    };
    let package = catalog::create_package(app.db(), &package, now)
        .await
        .unwrap();
    let area = catalog::create_area(app.db(), "Cibabat", "Cimahi", true, now)
        .await
        .unwrap();
    // A customer with an email address (for the rating link), signed up over HTTP.
    let signup = app.browser();
    let r = signup
        .post(
            "/signup",
            &[
                ("name", "Dewi Lestari"),
                ("phone", "081234567890"),
                ("email", "dewi@pelanggan.test"),
                ("address", "Jl. Kolonel Masturi No. 12"),
                ("area_id", &area.to_string()),
                ("package_id", &package.to_string()),
                ("password", PASSWORD),
                ("consent", "yes"),
            ],
        )
        .await;
    assert_eq!(r.status.as_u16(), 303, "{}", r.body);
    app.create_user(Role::Admin, &email_for(Role::Admin)).await;
    // A photo of the modem, as the phone would pick it.
    let photo = std::env::temp_dir().join(format!("setia-modem-{}.png", std::process::id()));
    let mut img = image::RgbImage::from_pixel(200, 150, image::Rgb([40, 44, 52]));
    for x in 90..110 {
        for y in 65..85 {
            img.put_pixel(x, y, image::Rgb([220, 40, 40]));
        }
    }
    img.save(&photo).unwrap();

    let driver = Driver::start().await;
    let base = app.base.clone();
    let photo_path = photo.to_string_lossy().to_string();
    driver
        .with_browser(&app.base, PHONE, move |c| async move {
            submit_login(&c, &base, "081234567890", PASSWORD).await;
            wait_for_path(&c, "/portal").await;
            find(&c, "[data-testid=report-problem]")
                .await
                .click()
                .await
                .unwrap();
            wait_for_path(&c, "/portal/tickets/new").await;
            find(&c, "input[name=category][value=no_connection]")
                .await
                .click()
                .await
                .unwrap();
            find(&c, "#f-body")
                .await
                .send_keys("Internet mati sejak jam 9 malam, lampu LOS merah.")
                .await
                .unwrap();
            find(&c, "#f-photos")
                .await
                .send_keys(&photo_path)
                .await
                .unwrap();
            screenshot(&c, "complaint-form-360").await;
            find(&c, "form[action='/portal/tickets/new'] button[type=submit]")
                .await
                .click()
                .await
                .unwrap();
            wait_for_prefix(&c, "/portal/tickets/1").await;
            assert_eq!(text(&c, "h1").await, "TKT-2026-000001 Baru");
            assert!(text(&c, "[data-testid=next]")
                .await
                .contains("paling lambat"));
            let thumb = find(&c, ".thread .photos img").await;
            let loaded: bool = c
                .execute(
                    "return document.querySelector('.thread .photos img').naturalWidth > 0",
                    vec![],
                )
                .await
                .unwrap()
                .as_bool()
                .unwrap();
            assert!(
                loaded && thumb.is_displayed().await.unwrap(),
                "the photo shows"
            );
            let wide: bool = c
                .execute(
                    "return document.documentElement.scrollWidth > window.innerWidth",
                    vec![],
                )
                .await
                .unwrap()
                .as_bool()
                .unwrap();
            assert!(!wide, "the page scrolls sideways");
            screenshot(&c, "complaint-filed-360").await;
        })
        .await;

    let base = app.base.clone();
    driver
        .with_browser(&app.base, DESKTOP, move |c| async move {
            submit_login(&c, &base, &email_for(Role::Admin), PASSWORD).await;
            wait_for_path(&c, "/staff").await;
            c.goto(&format!("{base}/staff/tickets?view=unassigned"))
                .await
                .unwrap();
            find(&c, "a[href='/staff/tickets/1']")
                .await
                .click()
                .await
                .unwrap();
            wait_for_path(&c, "/staff/tickets/1").await;
            find(&c, "#f-body")
                .await
                .send_keys("Kabel optik di tiang sudah kami ganti. Silakan dicoba.")
                .await
                .unwrap();
            find(&c, "#f-then")
                .await
                .select_by_value("resolved")
                .await
                .unwrap();
            find(
                &c,
                "form[action='/staff/tickets/1/reply'] button[type=submit]",
            )
            .await
            .click()
            .await
            .unwrap();
            // The reply returns to the same path: wait for the new page's status, not the path.
            wait_for_text(&c, "[data-testid=status]", "Selesai").await;
            screenshot(&c, "complaint-resolved-1280").await;
        })
        .await;

    // The mail with the rating link is in the outbox; the link works without logging in.
    let (body,): (String,) = app
        .db()
        .fetch_one(
            "SELECT body FROM mail_outbox WHERE to_addr = 'dewi@pelanggan.test' AND subject LIKE '%selesai%'",
            vec![],
        )
        .await
        .unwrap();
    let at = body.find("/rate/").expect("a rating link");
    let link = body[at..].split_whitespace().next().unwrap().to_string();
    let base = app.base.clone();
    driver
        .with_browser(&app.base, PHONE, move |c| async move {
            c.goto(&format!("{base}{link}")).await.unwrap();
            find(&c, "input[name=stars][value='5']")
                .await
                .click()
                .await
                .unwrap();
            find(&c, "#f-comment")
                .await
                .send_keys("Cepat, terima kasih!")
                .await
                .unwrap();
            screenshot(&c, "rating-360").await;
            find(&c, "[data-testid=rating-form] button[type=submit]")
                .await
                .click()
                .await
                .unwrap();
            // The thank-you page replaces the form (waited for across the page load).
            wait_for_text(&c, "main h1", "Terima kasih!").await;
            screenshot(&c, "rating-thanks-360").await;
        })
        .await;
    let (stars,): (i64,) = app
        .db()
        .fetch_one("SELECT stars FROM ratings WHERE subject_id = 1", vec![])
        .await
        .unwrap();
    assert_eq!(stars, 5);
    let _ = std::fs::remove_file(photo);
}

/// Signs up one customer over HTTP so the staff lists have a row.
async fn seed_sign_up(app: &common::TestApp) {
    use setia::catalog::store::{self as catalog, NewPackage};
    let now = app.clock_now();
    let package = NewPackage {
        name: "Rumah 20",
        download_mbps: 20,
        upload_mbps: 10,
        price: setia::types::Rupiah(250_000),
        features: "Unlimited",
        features_en: "",
        published: true,
        sort_order: 0,
    };
    let package = catalog::create_package(app.db(), &package, now)
        .await
        .unwrap();
    let area = catalog::create_area(app.db(), "Cibabat", "Cimahi", true, now)
        .await
        .unwrap();
    let r = app
        .browser()
        .post(
            "/signup",
            &[
                ("name", "Dewi Lestari"),
                ("phone", "081234567890"),
                ("address", "Jl. Kolonel Masturi No. 12"),
                ("area_id", &area.to_string()),
                ("package_id", &package.to_string()),
                ("password", PASSWORD),
                ("consent", "yes"),
            ],
        )
        .await;
    assert_eq!(r.status.as_u16(), 303, "{}", r.body);
}

/// The staff lists with a filter form, and a role that may open each.
const FILTERED_LISTS: &[(Role, &str)] = &[
    (Role::Admin, "/staff/customers"),
    (Role::Admin, "/staff/registrations"),
    (Role::Admin, "/staff/tickets"),
    (Role::SystemAdmin, "/staff/users"),
    (Role::SystemAdmin, "/staff/audit"),
];

#[tokio::test]
async fn list_filters_fold_on_a_phone_and_stay_open_on_a_desktop() {
    if !enabled("list_filters_fold_on_a_phone_and_stay_open_on_a_desktop") {
        return;
    }
    let app = common::spawn().await;
    seed_sign_up(&app).await;
    for role in [Role::Admin, Role::SystemAdmin] {
        app.create_user(role, &email_for(role)).await;
    }
    let driver = Driver::start().await;
    for size in [PHONE, DESKTOP] {
        let base = app.base.clone();
        driver
            .with_browser(&app.base, size, move |c| async move {
                let width = size.0;
                for role in [Role::Admin, Role::SystemAdmin] {
                    submit_login(&c, &base, &email_for(role), PASSWORD).await;
                    wait_for_path(&c, "/staff").await;
                    for (_, list) in FILTERED_LISTS.iter().filter(|(r, _)| *r == role) {
                        c.goto(&format!("{base}{list}")).await.unwrap();
                        wait_for_path(&c, list).await;
                        let at = format!("{list} at {width}px");
                        let form = find(&c, "details.filter-box > form.filters").await;
                        let summary = find(&c, "details.filter-box > summary").await;
                        let (_, row_top, _, _) = rect(&c, "table.table tbody tr").await;
                        let name = list.trim_start_matches("/staff/");
                        screenshot(&c, &format!("list-{name}-{width}")).await;
                        if width < 900 {
                            assert!(
                                !filter_fields_shown(&c).await
                                    && !form.is_displayed().await.unwrap(),
                                "{at}: the filters should be folded"
                            );
                            assert!(
                                summary.is_displayed().await.unwrap(),
                                "{at}: no fold to open"
                            );
                            assert!(
                                row_top < 800.0,
                                "{at}: the first row starts at {row_top} px"
                            );
                            assert!(!overflows(&c).await, "{at}: the page scrolls sideways");
                            // Opened, the fields show.
                            summary.click().await.unwrap();
                            assert!(
                                filter_fields_shown(&c).await,
                                "{at}: the opened fold is empty"
                            );
                        } else {
                            assert!(
                                filter_fields_shown(&c).await,
                                "{at}: the filters should show"
                            );
                            assert!(
                                !summary.is_displayed().await.unwrap(),
                                "{at}: the fold's summary should be hidden on a desktop"
                            );
                        }
                    }
                    logout(&c, width < 900).await;
                }
            })
            .await;
    }
}

#[tokio::test]
async fn no_page_scrolls_sideways_at_360_px() {
    if !enabled("no_page_scrolls_sideways_at_360_px") {
        return;
    }
    use setia::app::route_table;
    let app = common::spawn().await;
    seed_sign_up(&app).await;
    for role in Role::ALL {
        app.create_user(role, &email_for(role)).await;
    }
    let driver = Driver::start().await;
    let base = app.base.clone();
    driver
        .with_browser(&app.base, PHONE, move |c| async move {
            let table = route_table();
            let mut wide = Vec::new();
            let mut seen = 0;
            for visitor in std::iter::once(None).chain(Role::ALL.into_iter().map(Some)) {
                if let Some(role) = visitor {
                    submit_login(&c, &base, &email_for(role), PASSWORD).await;
                    wait_for_path(&c, if role.is_staff() { "/staff" } else { "/portal" }).await;
                }
                for route in table.iter().filter(|r| {
                    r.method == axum::http::Method::GET
                        && !r.path.contains('{')
                        && r.access.admits(visitor)
                }) {
                    c.goto(&format!("{base}{}", route.path)).await.unwrap();
                    // Only HTML pages (with the footer) are measured.
                    let page = c.find(Locator::Css("footer.footer")).await.is_ok();
                    if !page {
                        continue;
                    }
                    seen += 1;
                    if overflows(&c).await {
                        let at = format!("{} as {visitor:?}", route.path);
                        screenshot(
                            &c,
                            &format!("wide-{}", at.replace(['/', ' ', '(', ')'], "_")),
                        )
                        .await;
                        wide.push(at);
                    }
                }
                if visitor.is_some() {
                    c.goto(&format!("{base}/logout")).await.unwrap();
                    find(&c, "main form[action='/logout'] button")
                        .await
                        .click()
                        .await
                        .unwrap();
                    wait_for_path(&c, "/login").await;
                }
            }
            assert!(seen > 20, "only {seen} pages measured");
            assert!(wide.is_empty(), "pages wider than 360 px: {wide:?}");
        })
        .await;
}

#[tokio::test]
async fn a_technician_takes_a_visit_from_on_the_way_to_done_on_a_phone() {
    if !enabled("a_technician_takes_a_visit_from_on_the_way_to_done_on_a_phone") {
        return;
    }
    use setia::catalog::store::{self as catalog, NewPackage};
    let app = common::spawn().await;
    let now = app.clock_now();
    let package = NewPackage {
        name: "Rumah 20",
        download_mbps: 20,
        upload_mbps: 10,
        price: setia::types::Rupiah(250_000),
        features: "Unlimited",
        features_en: "",
        published: true,
        sort_order: 0,
    };
    let package = catalog::create_package(app.db(), &package, now)
        .await
        .unwrap();
    let area = catalog::create_area(app.db(), "Cibabat", "Cimahi", true, now)
        .await
        .unwrap();
    let r = app
        .browser()
        .post(
            "/signup",
            &[
                ("name", "Dewi Lestari"),
                ("phone", "081234567890"),
                ("email", "dewi@pelanggan.test"),
                (
                    "address",
                    "Jl. Kolonel Masturi No. 12, RT 02/RW 05, Cibabat, Cimahi Utara",
                ),
                ("area_id", &area.to_string()),
                ("package_id", &package.to_string()),
                ("password", PASSWORD),
                ("consent", "yes"),
            ],
        )
        .await;
    assert_eq!(r.status.as_u16(), 303, "{}", r.body);
    // The office verifies the sign-up and books a technician for tomorrow 09:00-11:00.
    let tech = app
        .create_user(Role::Technician, &email_for(Role::Technician))
        .await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let r = admin.post("/staff/registrations/1/verify", &[]).await;
    assert_eq!(r.status.as_u16(), 303, "{}", r.body);
    let visit: i64 = app
        .db()
        .scalar("SELECT id FROM visits WHERE registration_id = 1", vec![])
        .await
        .unwrap();
    let tomorrow = (now.with_timezone(&setia::types::wib()) + chrono::Duration::days(1))
        .format("%d/%m/%Y")
        .to_string();
    let r = admin
        .post(
            &format!("/staff/visits/{visit}/schedule"),
            &[
                ("technician_id", &tech.to_string()),
                ("date", &tomorrow),
                ("window_start", "09:00"),
                ("window_end", "11:00"),
                ("notes", "Rumah cat hijau, sebelah masjid."),
            ],
        )
        .await;
    assert_eq!(r.status.as_u16(), 303, "{}", r.body);
    // The day of the visit, 10:00 WIB.
    app.clock.advance(chrono::Duration::days(1));
    let photo = std::env::temp_dir().join(format!("setia-ont-{}.png", std::process::id()));
    image::RgbImage::from_pixel(160, 120, image::Rgb([30, 120, 90]))
        .save(&photo)
        .unwrap();

    let driver = Driver::start().await;
    let base = app.base.clone();
    let photo_path = photo.to_string_lossy().to_string();
    let card = format!("[data-testid=visit-{visit}]");
    driver
        .with_browser(&app.base, PHONE, move |c| async move {
            submit_login(&c, &base, &email_for(Role::Technician), PASSWORD).await;
            wait_for_path(&c, "/staff").await;
            c.goto(&format!("{base}/staff/visits")).await.unwrap();
            wait_for_path(&c, "/staff/visits").await;
            assert!(text(&c, &card).await.contains("Dewi Lestari"));
            assert!(!overflows(&c).await, "the day page scrolls sideways");
            screenshot(&c, "technician-day-360").await;
            let page = format!("/staff/visits/{visit}");
            find(&c, &format!("{card} button[value=on_the_way]"))
                .await
                .click()
                .await
                .unwrap();
            wait_for_path(&c, &page).await;
            wait_for_text(&c, "[data-testid=status]", "Teknisi dalam perjalanan").await;
            find(&c, "button[value=in_progress]")
                .await
                .click()
                .await
                .unwrap();
            wait_for_text(&c, "[data-testid=status]", "Sedang dikerjakan").await;
            find(&c, "#f-work_done")
                .await
                .send_keys("Tarik kabel drop 60 m, pasang ONT, tes koneksi.")
                .await
                .unwrap();
            find(&c, "#f-serials")
                .await
                .send_keys("ZTEGC8A1B2C3")
                .await
                .unwrap();
            find(&c, "#f-signal_dbm")
                .await
                .send_keys("-19,5")
                .await
                .unwrap();
            find(&c, "#f-photos")
                .await
                .send_keys(&photo_path)
                .await
                .unwrap();
            assert!(!overflows(&c).await, "the visit page scrolls sideways");
            screenshot(&c, "technician-report-360").await;
            find(&c, "[data-testid=report-submit]")
                .await
                .click()
                .await
                .unwrap();
            wait_for_path(&c, "/staff/visits").await;
            assert!(!overflows(&c).await, "the day page scrolls sideways");
            c.goto(&format!("{base}{page}")).await.unwrap();
            wait_for_text(&c, "[data-testid=status]", "Selesai").await;
            assert_eq!(text(&c, "[data-testid=serials]").await, "ZTEGC8A1B2C3");
            let loaded: bool = c
                .execute(
                    "return document.querySelector('[data-testid=photos] img').naturalWidth > 0",
                    vec![],
                )
                .await
                .unwrap()
                .as_bool()
                .unwrap();
            assert!(loaded, "the photo shows");
            screenshot(&c, "technician-done-360").await;
        })
        .await;
    let (status,): (String,) = app
        .db()
        .fetch_one("SELECT status FROM registrations WHERE id = 1", vec![])
        .await
        .unwrap();
    assert_eq!(status, "installed");
    let _ = std::fs::remove_file(photo);
}

/// The most the home page's first load may transfer: the document, the stylesheet, the logo
/// and the hero picture, compressed as sent.
const HOME_BUDGET: u64 = 60 * 1024;

#[tokio::test]
async fn the_home_page_loads_light_and_fits_a_phone_and_a_desktop() {
    if !enabled("the_home_page_loads_light_and_fits_a_phone_and_a_desktop") {
        return;
    }
    let app = common::spawn().await;
    setia::demo::load(app.db(), (*app.state.config).clone(), false)
        .await
        .expect("demo data");
    let driver = Driver::start().await;
    for size in [PHONE, DESKTOP] {
        driver
            .with_browser_at(&app.base, size, "/", move |c| async move {
                let width = size.0;
                // The first page of a fresh profile: nothing is cached. Wait for the load
                // event (images included).
                let deadline = Instant::now() + WAIT;
                loop {
                    let done = c
                        .execute("return document.readyState === 'complete'", vec![])
                        .await
                        .unwrap();
                    if done.as_bool() == Some(true) {
                        break;
                    }
                    assert!(
                        Instant::now() < deadline,
                        "the home page did not finish loading"
                    );
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                let hero_loaded = c
                    .execute(
                        "const i = document.querySelector('[data-testid=hero-image]'); \
                         return !!i && i.complete && i.naturalWidth > 0;",
                        vec![],
                    )
                    .await
                    .unwrap();
                assert_eq!(
                    hero_loaded.as_bool(),
                    Some(true),
                    "{width}px: the hero picture shows"
                );
                let sizes = c
                    .execute(
                        "const n = performance.getEntriesByType('navigation')[0]; \
                         return [[n.name, n.transferSize]].concat(performance \
                           .getEntriesByType('resource').map(r => [r.name, r.transferSize]));",
                        vec![],
                    )
                    .await
                    .unwrap();
                let entries: Vec<(String, u64)> = sizes
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|e| (e[0].as_str().unwrap().to_string(), e[1].as_u64().unwrap()))
                    .collect();
                let total: u64 = entries.iter().map(|e| e.1).sum();
                println!("home page at {width}px, first load: {total} bytes {entries:?}");
                assert!(
                    entries.iter().any(|(u, n)| u.contains(".css") && *n > 0)
                        && entries
                            .iter()
                            .filter(|(u, n)| u.contains("/files/") && *n > 0)
                            .count()
                            == 2,
                    "{width}px: the stylesheet, the logo and the hero were fetched: {entries:?}"
                );
                assert!(
                    total < HOME_BUDGET,
                    "{width}px: the first load is {total} bytes, over {HOME_BUDGET}: {entries:?}"
                );
                assert!(
                    !overflows(&c).await,
                    "{width}px: the home page scrolls sideways"
                );
                // The coverage check is in the first screen.
                let (_, _, _, bottom) = rect(&c, "[data-testid=hero-coverage] button").await;
                assert!(
                    bottom < f64::from(size.1),
                    "{width}px: the coverage check is below the fold"
                );
                // At the end of the page the WhatsApp button covers nothing of the footer.
                c.execute("window.scrollTo(0, document.body.scrollHeight)", vec![])
                    .await
                    .unwrap();
                let apart = c
                    .execute(
                        "const b = document.querySelector('.wa-float').getBoundingClientRect(); \
                         const r = document.createRange(); \
                         r.selectNodeContents(document.querySelector('footer.footer')); \
                         const t = r.getBoundingClientRect(); \
                         return b.top >= t.bottom || b.left >= t.right || b.right <= t.left;",
                        vec![],
                    )
                    .await
                    .unwrap();
                assert_eq!(
                    apart.as_bool(),
                    Some(true),
                    "{width}px: the button covers the footer"
                );
                c.execute("window.scrollTo(0, 0)", vec![]).await.unwrap();
                screenshot(&c, &format!("home-{width}")).await;
            })
            .await;
    }
}
