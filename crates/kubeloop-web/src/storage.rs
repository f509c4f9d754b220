//! Autosave: the editor's text and the session script in localStorage.
//!
//! Storage can fail (private mode, a full quota, storage switched off);
//! every call says whether it worked and never panics, so the page keeps
//! running and only says, once, that work is not being kept.

/// The editor's text.
pub const TEXT_KEY: &str = "kubeloop.text";
/// The session, as the script `Playground::restore` replays.
pub const SESSION_KEY: &str = "kubeloop.session";

/// While playing, the session is saved at least this often (in revisions,
/// one per animation frame); anything other than time passing is saved at
/// once.
pub const PLAYING_SAVE_EVERY: u64 = 30;

/// Whether `next` says more than `saved` beyond time passing: they differ
/// other than in a final `sleep` line (what ticks change). Inputs (an
/// apply, a command) are never left unsaved.
pub fn says_more(saved: &str, next: &str) -> bool {
    without_final_sleep(saved) != without_final_sleep(next)
}

fn without_final_sleep(script: &str) -> &str {
    let body = script.strip_suffix('\n').unwrap_or(script);
    let last_start = body.rfind('\n').map_or(0, |at| at + 1);
    if body[last_start..].starts_with("sleep ") { &script[..last_start] } else { script }
}

#[cfg(target_arch = "wasm32")]
fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The saved value, if storage works and holds one.
#[cfg(target_arch = "wasm32")]
pub fn load(key: &str) -> Option<String> {
    local_storage()?.get_item(key).ok().flatten()
}

/// Saves `value`; false when storage refused it.
#[cfg(target_arch = "wasm32")]
pub fn save(key: &str, value: &str) -> bool {
    local_storage().is_some_and(|storage| storage.set_item(key, value).is_ok())
}

/// Forgets both saved values; false when storage refused.
#[cfg(target_arch = "wasm32")]
pub fn clear() -> bool {
    local_storage()
        .is_some_and(|storage| storage.remove_item(TEXT_KEY).is_ok() && storage.remove_item(SESSION_KEY).is_ok())
}

// Natively there is no storage: nothing is saved, nothing comes back.
#[cfg(not(target_arch = "wasm32"))]
pub fn load(_key: &str) -> Option<String> {
    None
}

#[cfg(not(target_arch = "wasm32"))]
pub fn save(_key: &str, _value: &str) -> bool {
    false
}

#[cfg(not(target_arch = "wasm32"))]
pub fn clear() -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_passing_alone_says_nothing_new() {
        let applied = "kubectl apply -f - <<EOF\na: 1\nEOF\n";
        assert!(!says_more(&format!("{applied}sleep 1s\n"), &format!("{applied}sleep 2s\n")));
        assert!(!says_more(applied, &format!("{applied}sleep 1500ms\n")));
        assert!(!says_more(applied, applied));
    }

    #[test]
    fn inputs_always_say_more() {
        let applied = "kubectl apply -f - <<EOF\na: 1\nEOF\n";
        assert!(says_more(applied, &format!("{applied}sleep 1s\nkubectl get pods\n")));
        assert!(says_more(
            &format!("{applied}sleep 1s\n"),
            &format!("{applied}sleep 1s\nfault kill pod/x\nsleep 1s\n")
        ));
        assert!(says_more("", applied));
        // A sleep typed in the terminal followed by more time is still
        // only time; one before an input is not the final line.
        assert!(says_more("sleep 1s\n", "sleep 1s\nkubectl get pods\n"));
    }
}
