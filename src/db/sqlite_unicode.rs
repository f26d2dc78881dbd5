//! SQLite's built-in `lower()` folds only ASCII, so a search for "élan" would miss "Élan". Every
//! SQLite connection gets `lower()` replaced by Rust's Unicode lower-casing, which makes the
//! `lower(column) LIKE $n` searches behave as on PostgreSQL.

use std::ffi::{c_char, c_int};
use std::ptr::NonNull;

use libsqlite3_sys as ffi;

/// Registers the Unicode `lower(text)` on a connection.
pub fn register(db: NonNull<ffi::sqlite3>) -> Result<(), sqlx::Error> {
    // SAFETY: `db` is an open connection handle held locked by the caller; the name is a valid C
    // string; the callback only reads its one argument and sets the result.
    let rc = unsafe {
        ffi::sqlite3_create_function_v2(
            db.as_ptr(),
            c"lower".as_ptr(),
            1,
            ffi::SQLITE_UTF8 | ffi::SQLITE_DETERMINISTIC,
            std::ptr::null_mut(),
            Some(lower),
            None,
            None,
            None,
        )
    };
    if rc == ffi::SQLITE_OK {
        Ok(())
    } else {
        Err(sqlx::Error::Protocol(format!(
            "registering lower() failed: {rc}"
        )))
    }
}

unsafe extern "C" fn lower(
    ctx: *mut ffi::sqlite3_context,
    argc: c_int,
    argv: *mut *mut ffi::sqlite3_value,
) {
    // SAFETY: SQLite passes `argc` (here always 1) valid values; the text pointer stays valid
    // until the value is changed, which happens only after this call; the result is copied
    // (SQLITE_TRANSIENT) before `folded` is dropped.
    unsafe {
        if argc != 1 {
            ffi::sqlite3_result_null(ctx);
            return;
        }
        let value = *argv;
        if ffi::sqlite3_value_type(value) == ffi::SQLITE_NULL {
            ffi::sqlite3_result_null(ctx);
            return;
        }
        let text = ffi::sqlite3_value_text(value);
        let len = ffi::sqlite3_value_bytes(value);
        if text.is_null() || len <= 0 {
            ffi::sqlite3_result_text(ctx, c"".as_ptr(), 0, ffi::SQLITE_TRANSIENT());
            return;
        }
        let bytes = std::slice::from_raw_parts(text, len as usize);
        let folded = String::from_utf8_lossy(bytes).to_lowercase();
        ffi::sqlite3_result_text(
            ctx,
            folded.as_ptr() as *const c_char,
            folded.len() as c_int,
            ffi::SQLITE_TRANSIENT(),
        );
    }
}
