//! What colour a status badge has. One meaning everywhere, always beside the status in words:
//! new or waiting blue, scheduled or being worked on amber, active or done green, isolir
//! orange, ended, rejected or failed red (classes in `static/app.css`). Status enums call
//! [`badge`] with their stored name; a new status gets its colour here.

/// The badge's classes for a status by its stored name (`"suspended"` → `"badge isolir"`).
pub fn badge(status: &str) -> &'static str {
    match status {
        "new" | "waiting" | "submitted" | "verified" | "prospect" | "queued" => "badge waiting",
        "scheduled" | "open" | "visit_scheduled" | "on_the_way" | "in_progress" => {
            "badge scheduled"
        }
        "active" | "installed" | "resolved" | "closed" | "done" => "badge ok",
        "suspended" => "badge isolir",
        "terminated" | "rejected" | "failed" | "cancelled" | "breached" => "badge danger",
        _ => "badge",
    }
}

#[cfg(test)]
mod tests {
    use super::badge;

    #[test]
    fn statuses_keep_one_colour_meaning() {
        assert_eq!(badge("submitted"), badge("waiting"));
        assert_eq!(badge("scheduled"), "badge scheduled");
        assert_eq!(badge("active"), badge("done"));
        assert_eq!(badge("suspended"), "badge isolir");
        assert_eq!(badge("terminated"), badge("rejected"));
    }
}
