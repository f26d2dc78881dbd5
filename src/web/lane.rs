//! The write lane: on SQLite, requests that change data run on one thread of their own.
//!
//! SQLite has one writer, and a write transaction holds it across every statement of the
//! operation (a complaint is about 30). Each statement is a hand-off to the connection's
//! thread and back; on the shared runtime the task that holds the writer then waits behind
//! every page being rendered before it sends the next statement, and every other write waits
//! for it. On a thread that runs only writes, the holder goes on at once. Nothing is lost in
//! parallelism: SQLite runs one write transaction at a time anyway. PostgreSQL, with writers
//! side by side, keeps writes on the shared runtime.

use std::future::Future;
use std::sync::OnceLock;

use axum::response::{IntoResponse, Response};

use crate::error::AppError;

/// Runs `request` (a request that changes data) on the write lane, or in place when `lane` is
/// false. A panic in the handler becomes a 500, as on the shared runtime.
pub async fn run<F>(lane: bool, request: F) -> Response
where
    F: Future<Output = Response> + Send + 'static,
{
    if !lane {
        return request.await;
    }
    match handle().spawn(request).await {
        Ok(response) => response,
        Err(e) => AppError::Internal(anyhow::anyhow!("write lane: {e}")).into_response(),
    }
}

/// The lane's runtime: one thread per process, started on first use and kept for the process's
/// life (its tasks are the requests in flight; the process ends them as it ends the others).
fn handle() -> &'static tokio::runtime::Handle {
    static LANE: OnceLock<tokio::runtime::Handle> = OnceLock::new();
    LANE.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .thread_name("setia-writes")
            .build()
            .expect("the write lane's runtime");
        let handle = runtime.handle().clone();
        std::thread::Builder::new()
            .name("setia-writes".into())
            .spawn(move || runtime.block_on(std::future::pending::<()>()))
            .expect("the write lane's thread");
        handle
    })
}
