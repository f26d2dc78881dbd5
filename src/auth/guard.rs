//! The route guard. Routes are not guarded by hand: each is declared once in the route table
//! with its [`Access`](crate::web::routes::Access), which puts this guard in front of it.

use axum::extract::Request;
use axum::middleware::{from_fn, FromFnLayer, Next};
use axum::response::{IntoResponse, Response};

use crate::auth::Role;
use crate::error::AppError;
use crate::web::{redirect, Ctx};

pub const CHANGE_PASSWORD_PATH: &str = "/account/password";

/// Admits only users with one of `roles`: anonymous users go to the login page, others get 403.
/// Users who must change their password are sent to do so first.
pub fn require(
    roles: &'static [Role],
) -> FromFnLayer<
    impl Fn(Request, Next) -> GuardFuture + Clone + Send + Sync + 'static,
    (),
    (Request,),
> {
    from_fn(move |req: Request, next: Next| -> GuardFuture { Box::pin(check(roles, req, next)) })
}

pub type GuardFuture = std::pin::Pin<Box<dyn std::future::Future<Output = Response> + Send>>;

async fn check(roles: &'static [Role], req: Request, next: Next) -> Response {
    let Some(ctx) = req.extensions().get::<Ctx>() else {
        return AppError::Internal(anyhow::anyhow!("context middleware not installed"))
            .into_response();
    };
    let Some(user) = &ctx.user else {
        let target = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/");
        let next_param: String =
            serde_urlencoded::to_string([("next", target)]).unwrap_or_default();
        return redirect(&format!("/login?{next_param}"));
    };
    if !roles.contains(&user.role) {
        return AppError::Forbidden.into_response();
    }
    if user.must_change_password && req.uri().path() != CHANGE_PASSWORD_PATH {
        return redirect(CHANGE_PASSWORD_PATH);
    }
    next.run(req).await
}
