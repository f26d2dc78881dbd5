//! The one table of routes. Every route is declared through this module, once, with who may use
//! it:
//!
//! ```ignore
//! Routes::new()
//!     .get("/news", Access::Public, web::list)
//!     .get_post("/staff/posts/{id}", Access::Roles(groups::CONTENT), admin::show, admin::update)
//! ```
//!
//! A declaration both records `(method, path, access)` in the table and adds the handler to the
//! axum router behind the matching guard ([`crate::auth::require`]), so the table and the router
//! cannot disagree. `app::route_table()` exposes the table; a test walks it (every route as
//! anonymous and as every role) and another fails when `.route(` is called outside this module.

use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{self, MethodRouter};
use axum::Router;

use crate::auth::{groups, require, Role};
use crate::state::AppState;

/// Who may use a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, logged in or not (public site, login, health checks, static files).
    Public,
    /// Any logged-in user, whatever the role.
    AnyUser,
    /// Logged-in users with one of these roles (see [`crate::auth::groups`]).
    Roles(&'static [Role]),
}

impl Access {
    /// The roles the guard admits, or `None` when there is no guard.
    pub fn roles(self) -> Option<&'static [Role]> {
        match self {
            Access::Public => None,
            Access::AnyUser => Some(groups::ANY_USER),
            Access::Roles(roles) => Some(roles),
        }
    }

    /// Whether a visitor with `role` (`None`: anonymous) gets past the guard.
    pub fn admits(self, role: Option<Role>) -> bool {
        match (self.roles(), role) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(roles), Some(role)) => roles.contains(&role),
        }
    }
}

/// One row of the table: a method on a path, who may use it, whether it waits for a
/// heavy-read slot and whether it changes what the instance cache holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
    pub heavy: Option<Heavy>,
    pub clears_cache: bool,
}

/// Who waits for one of the instance's heavy-read slots ([`crate::web::limits::HeavyReads`])
/// on a route: pages that read up to a year of data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Heavy {
    Everyone,
    /// Users of these roles only (the staff home is the director's dashboard).
    Roles(&'static [Role]),
}

/// One declaration: a path, its methods, one access rule and the (unguarded) handlers.
struct Decl {
    path: &'static str,
    methods: Vec<Method>,
    access: Access,
    handlers: MethodRouter<AppState>,
    /// Takes files: served with the upload body limit instead of the default one.
    upload: bool,
    heavy: Option<Heavy>,
    /// A successful form post changes what the instance cache holds (see [`Routes::clears_cache`]).
    clears_cache: bool,
}

/// A set of declared routes; domains return one from their `routes()`, `app.rs` merges them and
/// turns them into the router.
#[derive(Default)]
#[must_use]
pub struct Routes {
    decls: Vec<Decl>,
}

impl Routes {
    pub fn new() -> Routes {
        Routes::default()
    }

    pub fn get<H, T>(self, path: &'static str, access: Access, handler: H) -> Routes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.declare(path, access, vec![Method::GET], routing::get(handler))
    }

    pub fn post<H, T>(self, path: &'static str, access: Access, handler: H) -> Routes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.declare(path, access, vec![Method::POST], routing::post(handler))
    }

    /// A page and the form it posts to itself, with the same access.
    pub fn get_post<G, TG, P, TP>(
        self,
        path: &'static str,
        access: Access,
        get: G,
        post: P,
    ) -> Routes
    where
        G: Handler<TG, AppState>,
        TG: 'static,
        P: Handler<TP, AppState>,
        TP: 'static,
    {
        self.declare(
            path,
            access,
            vec![Method::GET, Method::POST],
            routing::get(get).post(post),
        )
    }

    fn declare(
        mut self,
        path: &'static str,
        access: Access,
        methods: Vec<Method>,
        handlers: MethodRouter<AppState>,
    ) -> Routes {
        self.decls.push(Decl {
            path,
            methods,
            access,
            handlers,
            upload: false,
            heavy: None,
            clears_cache: false,
        });
        self
    }

    /// Puts the route just declared behind a per-address rate limit (its form posts; page views
    /// are not limited), see [`crate::web::limits`].
    pub fn limited(mut self, policy: crate::web::limits::Policy) -> Routes {
        let d = self.decls.pop().expect("a route was declared");
        self.decls.push(Decl {
            handlers: d.handlers.layer(crate::web::limits::rate_limit(policy)),
            ..d
        });
        self
    }

    /// Makes the route just declared wait for a heavy-read slot (see [`Heavy`]).
    pub fn heavy(self) -> Routes {
        self.heavy_last(Heavy::Everyone)
    }

    /// Like [`Routes::heavy`], for users of `roles` only.
    pub fn heavy_for(self, roles: &'static [Role]) -> Routes {
        self.heavy_last(Heavy::Roles(roles))
    }

    /// Makes every route declared so far in this set wait for a heavy-read slot (a domain whose
    /// pages are all heavy, such as the reports; a test checks their paths in the table).
    pub fn all_heavy(mut self) -> Routes {
        for d in &mut self.decls {
            d.heavy = Some(Heavy::Everyone);
        }
        self
    }

    fn heavy_last(mut self, heavy: Heavy) -> Routes {
        self.decls.last_mut().expect("a route was declared").heavy = Some(heavy);
        self
    }

    /// Marks the route just declared as changing what the instance cache holds (the public
    /// site's packages, promos, areas, news and company profile; the staff pages' lists of
    /// areas, packages, staff, saved replies and competitors' offers): after a successful form
    /// post through it this instance's [`crate::state::Cache`] is emptied, so the change shows
    /// at once.
    pub fn clears_cache(mut self) -> Routes {
        self.decls
            .last_mut()
            .expect("a route was declared")
            .clears_cache = true;
        self
    }

    /// Like [`Routes::clears_cache`], for every route declared so far in this set (a domain whose
    /// staff pages all edit cached content).
    pub fn all_clear_cache(mut self) -> Routes {
        for d in &mut self.decls {
            d.clears_cache = true;
        }
        self
    }

    /// Marks the path just declared as taking files (multipart): it gets the upload body limit
    /// ([`crate::uploads::body_limit`]) in place of the default one.
    pub fn uploads(mut self) -> Routes {
        let path = self.decls.last().expect("a route was declared").path;
        for d in self.decls.iter_mut().filter(|d| d.path == path) {
            d.upload = true;
        }
        self
    }

    pub fn merge(mut self, other: Routes) -> Routes {
        self.decls.extend(other.decls);
        self
    }

    /// The table: one row per method and path, in declaration order.
    pub fn table(&self) -> Vec<Route> {
        self.decls
            .iter()
            .flat_map(|d| {
                d.methods.iter().map(|m| Route {
                    method: m.clone(),
                    path: d.path,
                    access: d.access,
                    heavy: d.heavy,
                    // Only a form post changes anything (see the layer).
                    clears_cache: d.clears_cache && !crate::web::reads_only(m),
                })
            })
            .collect()
    }

    /// The router: each path once, its handlers behind their guard.
    ///
    /// When every method of a path has the same access (today: all of them), the guard wraps the
    /// whole path, as `Router::route_layer` did, so a wrong method is also answered by the guard
    /// (login / 403) before any 405. Paths whose methods differ in access get one guard per
    /// method. A method declared twice for one path panics when the router is built.
    pub fn into_router(self) -> Router<AppState> {
        let (plain, uploads) = self.into_routers();
        plain.merge(uploads)
    }

    /// Like [`Routes::into_router`], but returns the ordinary routes and, apart, the paths that take files, so that `app.rs` gives
    /// each its body limit.
    pub fn into_routers(self) -> (Router<AppState>, Router<AppState>) {
        let upload_paths: Vec<&'static str> = self
            .decls
            .iter()
            .filter(|d| d.upload)
            .map(|d| d.path)
            .collect();
        let (uploads, plain): (Vec<Decl>, Vec<Decl>) = self
            .decls
            .into_iter()
            .partition(|d| upload_paths.contains(&d.path));
        (build(plain), build(uploads))
    }
}

impl Decl {
    /// The handlers, behind a heavy-read slot when the route is heavy and followed by emptying
    /// the instance cache when it clears it (each layer is added once here, however often the
    /// route was marked).
    fn into_handlers(self) -> MethodRouter<AppState> {
        let handlers = if self.clears_cache {
            self.handlers
                .layer(axum::middleware::from_fn(crate::web::context::clear_cache))
        } else {
            self.handlers
        };
        match self.heavy {
            None => handlers,
            Some(Heavy::Everyone) => handlers.layer(crate::web::limits::heavy_slot(None)),
            Some(Heavy::Roles(roles)) => {
                handlers.layer(crate::web::limits::heavy_slot(Some(roles)))
            }
        }
    }
}

fn build(decls: Vec<Decl>) -> Router<AppState> {
    {
        let mut paths: Vec<&'static str> = Vec::new();
        for d in &decls {
            if !paths.contains(&d.path) {
                paths.push(d.path);
            }
        }
        let mut decls: Vec<Option<Decl>> = decls.into_iter().map(Some).collect();
        let mut router = Router::new();
        for path in paths {
            let of_path: Vec<Decl> = decls
                .iter_mut()
                .filter(|d| d.as_ref().is_some_and(|d| d.path == path))
                .filter_map(Option::take)
                .collect();
            let access = of_path[0].access;
            let uniform = of_path.iter().all(|d| d.access == access);
            let handlers = if uniform {
                let merged = of_path
                    .into_iter()
                    .map(Decl::into_handlers)
                    .reduce(MethodRouter::merge)
                    .expect("a path has at least one declaration");
                guard_path(merged, access)
            } else {
                of_path
                    .into_iter()
                    .map(|d| {
                        let access = d.access;
                        guard_methods(d.into_handlers(), access)
                    })
                    .reduce(MethodRouter::merge)
                    .expect("a path has at least one declaration")
            };
            router = router.route(path, handlers);
        }
        router
    }
}

/// The guard around every method of a path and its "method not allowed" answer.
fn guard_path(handlers: MethodRouter<AppState>, access: Access) -> MethodRouter<AppState> {
    match access.roles() {
        None => handlers,
        Some(roles) => handlers.layer(require(roles)),
    }
}

/// The guard around the declared methods only.
fn guard_methods(handlers: MethodRouter<AppState>, access: Access) -> MethodRouter<AppState> {
    match access.roles() {
        None => handlers,
        Some(roles) => handlers.route_layer(require(roles)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn ok() -> &'static str {
        "ok"
    }

    #[test]
    fn the_table_lists_each_method_of_each_declaration() {
        let r = Routes::new()
            .get("/a", Access::Public, ok)
            .get_post("/b", Access::AnyUser, ok, ok)
            .merge(Routes::new().post("/c", Access::Roles(groups::ADMIN), ok));
        let t: Vec<(Method, &str, Access)> = r
            .table()
            .into_iter()
            .map(|r| (r.method, r.path, r.access))
            .collect();
        assert_eq!(
            t,
            vec![
                (Method::GET, "/a", Access::Public),
                (Method::GET, "/b", Access::AnyUser),
                (Method::POST, "/b", Access::AnyUser),
                (Method::POST, "/c", Access::Roles(groups::ADMIN)),
            ]
        );
        let _ = r.into_router();
    }

    #[test]
    fn one_path_may_have_methods_with_different_access() {
        let _ = Routes::new()
            .get("/x", Access::Public, ok)
            .post("/x", Access::Roles(groups::ADMIN), ok)
            .into_router();
    }

    #[test]
    #[should_panic]
    fn a_method_declared_twice_for_a_path_panics() {
        let _ = Routes::new()
            .get("/x", Access::Public, ok)
            .get("/x", Access::AnyUser, ok)
            .into_router();
    }

    #[test]
    fn access_admits() {
        assert!(Access::Public.admits(None));
        assert!(!Access::AnyUser.admits(None));
        assert!(Access::AnyUser.admits(Some(Role::Customer)));
        let office = Access::Roles(groups::OFFICE);
        assert!(office.admits(Some(Role::Director)));
        assert!(!office.admits(Some(Role::Technician)));
        assert!(!office.admits(None));
    }
}
