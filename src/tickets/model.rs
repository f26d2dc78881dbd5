//! What a ticket is made of: its status and the only moves between statuses, category, priority
//! and channel. No I/O.

crate::text_enum! {
    pub enum TicketStatus {
        New = "new",
        Open = "open",
        Waiting = "waiting",
        /// A technician's visit is planned (set and cleared by the visit).
        VisitScheduled = "visit_scheduled",
        Resolved = "resolved",
        Closed = "closed",
    }
}

impl TicketStatus {
    /// The only allowed moves: new → open → waiting ⇄ open → resolved → closed, and
    /// resolved → open when the customer replies or says it is not fixed. A visit being
    /// scheduled moves an active ticket to "visit scheduled"; the visit done resolves it, a
    /// visit failed, cancelled or "not fixed" opens it again.
    pub fn can_move_to(self, to: TicketStatus) -> bool {
        use TicketStatus::*;
        matches!(
            (self, to),
            (New, Open)
                | (Open, Waiting)
                | (Waiting, Open)
                | (Open, Resolved)
                | (Resolved, Closed)
                | (Resolved, Open)
                | (New | Open | Waiting, VisitScheduled)
                | (VisitScheduled, Open | Resolved)
        )
    }

    /// Statuses in which the ticket still needs the office.
    pub const ACTIVE: &'static [TicketStatus] = &[
        TicketStatus::New,
        TicketStatus::Open,
        TicketStatus::Waiting,
        TicketStatus::VisitScheduled,
    ];

    pub fn is_active(self) -> bool {
        Self::ACTIVE.contains(&self)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            TicketStatus::New => "ticket.status.new",
            TicketStatus::Open => "ticket.status.open",
            TicketStatus::Waiting => "ticket.status.waiting",
            TicketStatus::VisitScheduled => "ticket.status.visit_scheduled",
            TicketStatus::Resolved => "ticket.status.resolved",
            TicketStatus::Closed => "ticket.status.closed",
        }
    }

    /// CSS class of the status badge (colour plus text, never colour alone).
    /// The badge's classes (one colour meaning everywhere, see [`crate::web::badge`]).
    pub fn badge(self) -> &'static str {
        crate::web::badge(self.as_str())
    }
}

crate::text_enum! {
    pub enum Category {
        NoConnection = "no_connection",
        Slow = "slow",
        Intermittent = "intermittent",
        Installation = "installation",
        Relocation = "relocation",
        Billing = "billing",
        Other = "other",
    }
}

impl Category {
    pub fn label_key(self) -> &'static str {
        match self {
            Category::NoConnection => "ticket.category.no_connection",
            Category::Slow => "ticket.category.slow",
            Category::Intermittent => "ticket.category.intermittent",
            Category::Installation => "ticket.category.installation",
            Category::Relocation => "ticket.category.relocation",
            Category::Billing => "ticket.category.billing",
            Category::Other => "ticket.category.other",
        }
    }

    /// The priority a new ticket starts with until staff set one: a customer without any
    /// connection is served first.
    pub fn default_priority(self) -> Priority {
        match self {
            Category::NoConnection => Priority::High,
            _ => Priority::Normal,
        }
    }
}

crate::text_enum! {
    pub enum Priority {
        Low = "low",
        Normal = "normal",
        High = "high",
        Urgent = "urgent",
    }
}

impl Priority {
    pub fn label_key(self) -> &'static str {
        match self {
            Priority::Low => "ticket.priority.low",
            Priority::Normal => "ticket.priority.normal",
            Priority::High => "ticket.priority.high",
            Priority::Urgent => "ticket.priority.urgent",
        }
    }
}

crate::text_enum! {
    pub enum Channel {
        Web = "web",
        Phone = "phone",
        WalkIn = "walk_in",
        Whatsapp = "whatsapp",
        Email = "email",
    }
}

impl Channel {
    pub fn label_key(self) -> &'static str {
        match self {
            Channel::Web => "ticket.channel.web",
            Channel::Phone => "ticket.channel.phone",
            Channel::WalkIn => "ticket.channel.walk_in",
            Channel::Whatsapp => "ticket.channel.whatsapp",
            Channel::Email => "ticket.channel.email",
        }
    }
}

/// Longest message body accepted (a 50,000-character paste is refused with a message).
pub const MAX_BODY_CHARS: usize = 5000;
/// Characters of the description kept as the list summary.
pub const SUMMARY_CHARS: usize = 120;

/// The first words of `text` on one line, for lists.
pub fn summary_of(text: &str) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= SUMMARY_CHARS {
        return line;
    }
    let cut: String = line.chars().take(SUMMARY_CHARS - 1).collect();
    format!("{}…", cut.trim_end())
}

/// The ticket number shown to people: `TKT-2026-000123`.
pub fn number(year: i32, seq: i64) -> String {
    format!("TKT-{year}-{seq:06}")
}

#[cfg(test)]
mod tests {
    use super::TicketStatus::*;
    use super::*;

    #[test]
    fn only_the_documented_moves_are_allowed() {
        let allowed = [
            (New, Open),
            (Open, Waiting),
            (Waiting, Open),
            (Open, Resolved),
            (Resolved, Closed),
            (Resolved, Open),
            (New, VisitScheduled),
            (Open, VisitScheduled),
            (Waiting, VisitScheduled),
            (VisitScheduled, Open),
            (VisitScheduled, Resolved),
        ];
        for &from in TicketStatus::ALL {
            for &to in TicketStatus::ALL {
                assert_eq!(
                    from.can_move_to(to),
                    allowed.contains(&(from, to)),
                    "{from} -> {to}"
                );
            }
        }
    }

    #[test]
    fn summaries_are_one_short_line() {
        assert_eq!(
            summary_of("  Internet\nmati  sejak pagi "),
            "Internet mati sejak pagi"
        );
        let long = "kata ".repeat(100);
        let s = summary_of(&long);
        assert!(s.chars().count() <= SUMMARY_CHARS && s.ends_with('…'));
        assert_eq!(number(2026, 123), "TKT-2026-000123");
    }
}

/// Message text as HTML: escaped, line breaks kept, `http(s)://` links made clickable (opening
/// outside the app, no referrer). Nothing the author typed is ever markup.
pub fn text_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push_str("<br>");
        }
        for (j, word) in line.split(' ').enumerate() {
            if j > 0 {
                out.push(' ');
            }
            let is_link = (word.starts_with("https://") || word.starts_with("http://"))
                && word.len() > "https://".len();
            if !is_link {
                escape_into(&mut out, word);
                continue;
            }
            let url = word.trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '"', '\'']);
            out.push_str("<a href=\"");
            escape_into(&mut out, url);
            out.push_str("\" rel=\"nofollow noopener noreferrer\" target=\"_blank\">");
            escape_into(&mut out, url);
            out.push_str("</a>");
            escape_into(&mut out, &word[url.len()..]);
        }
    }
    out
}

fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod text_tests {
    use super::text_html;

    #[test]
    fn text_is_escaped_with_breaks_and_links() {
        assert_eq!(
            text_html("<script>alert(1)</script>\nok & \"x\""),
            "&lt;script&gt;alert(1)&lt;/script&gt;<br>ok &amp; &quot;x&quot;"
        );
        assert_eq!(
            text_html("lihat https://speedtest.net/r/1?a=1&b=2."),
            "lihat <a href=\"https://speedtest.net/r/1?a=1&amp;b=2\" rel=\"nofollow noopener noreferrer\" target=\"_blank\">https://speedtest.net/r/1?a=1&amp;b=2</a>."
        );
        assert_eq!(
            text_html("javascript:alert(1) http://\"><b>"),
            "javascript:alert(1) <a href=\"http://&quot;&gt;&lt;b&gt;\" rel=\"nofollow noopener noreferrer\" target=\"_blank\">http://&quot;&gt;&lt;b&gt;</a>"
        );
    }
}
