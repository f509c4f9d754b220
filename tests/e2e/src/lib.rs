//! A small blocking WebDriver client (W3C protocol, JSON over HTTP/1.1) for
//! driving headless Chromium through chromedriver, plus the glue that serves
//! the release bundle for a test.
//!
//! Hand-written on std: the tests need a dozen endpoints, and the async
//! clients would add minutes of compilation to every cold run.

use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use xtask::tools::Browser;

pub type Result<T> = std::result::Result<T, String>;

/// The key W3C WebDriver uses for element references.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// An element found on the page.
#[derive(Clone, Debug)]
pub struct Element(String);

/// One chromedriver process and one browser session; both end on drop.
pub struct Session {
    driver: Child,
    address: SocketAddr,
    id: String,
    profile: PathBuf,
}

impl Session {
    /// Starts chromedriver and a headless Chromium with a fresh profile. A
    /// browser that cannot start is an error: browser tests never skip.
    pub fn start() -> Result<Session> {
        let browser = Browser::from_env();
        for path in [&browser.chromium, &browser.chromedriver] {
            if !path.exists() {
                return Err(format!("{} not found: `cargo xtask test` installs Chromium", path.display()));
            }
        }
        let port = free_port()?;
        let driver = Command::new(&browser.chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", browser.chromedriver.display()))?;
        let profile = std::env::temp_dir().join(format!("kubeloop-e2e-{}-{port}", std::process::id()));
        let mut session =
            Session { driver, address: SocketAddr::from(([127, 0, 0, 1], port)), id: String::new(), profile };
        session.wait_for_driver()?;
        let options: Value = serde_json::from_str(&browser.chrome_options_json(&session.profile))
            .map_err(|e| format!("chrome options: {e}"))?;
        let capabilities = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome", "goog:chromeOptions": options } } });
        let created = session.request("POST", "/session", Some(capabilities))?;
        session.id = created["sessionId"].as_str().ok_or("chromedriver returned no session id")?.to_string();
        Ok(session)
    }

    fn wait_for_driver(&self) -> Result<()> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(status) = self.request("GET", "/status", None)
                && status["ready"].as_bool() == Some(true)
            {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err("chromedriver did not become ready within 30 s".into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn session_path(&self, rest: &str) -> String {
        format!("/session/{}{rest}", self.id)
    }

    pub fn goto(&self, url: &str) -> Result<()> {
        self.request("POST", &self.session_path("/url"), Some(json!({ "url": url }))).map(drop)
    }

    pub fn find_all(&self, css: &str) -> Result<Vec<Element>> {
        let found = self.request(
            "POST",
            &self.session_path("/elements"),
            Some(json!({ "using": "css selector", "value": css })),
        )?;
        Ok(found.as_array().into_iter().flatten().filter_map(element_of).collect())
    }

    pub fn find(&self, css: &str) -> Result<Element> {
        self.find_all(css)?.into_iter().next().ok_or_else(|| format!("no element matches {css:?}"))
    }

    pub fn attribute(&self, element: &Element, name: &str) -> Result<Option<String>> {
        let value =
            self.request("GET", &self.session_path(&format!("/element/{}/attribute/{name}", element.0)), None)?;
        Ok(value.as_str().map(str::to_string))
    }

    pub fn text(&self, element: &Element) -> Result<String> {
        let value = self.request("GET", &self.session_path(&format!("/element/{}/text", element.0)), None)?;
        Ok(value.as_str().unwrap_or_default().to_string())
    }

    /// Types into an element as a user does (key events, `input` events).
    pub fn send_keys(&self, element: &Element, text: &str) -> Result<()> {
        let path = self.session_path(&format!("/element/{}/value", element.0));
        self.request("POST", &path, Some(json!({ "text": text }))).map(drop)
    }

    /// Runs a script in the page; `arguments[i]` are `args`.
    pub fn execute(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        self.request("POST", &self.session_path("/execute/sync"), Some(json!({ "script": script, "args": args })))
    }

    /// Runs a script that finishes by calling its last argument with the
    /// result (WebDriver's asynchronous script), for up to the session's
    /// script timeout (30 s).
    pub fn execute_async(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        self.request("POST", &self.session_path("/execute/async"), Some(json!({ "script": script, "args": args })))
    }

    /// A Chrome DevTools Protocol command, through chromedriver's own
    /// endpoint (e.g. a script to run in every new document before the
    /// page's own).
    pub fn devtools(&self, command: &str, params: Value) -> Result<Value> {
        let body = json!({ "cmd": command, "params": params });
        self.request("POST", &self.session_path("/goog/cdp/execute"), Some(body))
    }

    /// An element as a script argument.
    pub fn arg(element: &Element) -> Value {
        json!({ ELEMENT_KEY: element.0 })
    }

    /// Polls `probe` until it returns `Some`, for at most `timeout`. The page
    /// renders asynchronously; this waits for it, it does not time it.
    /// Clicks the element `css` finds, as its click() method does (fires on
    /// elements WebDriver's own click would refuse as covered).
    pub fn click(&self, css: &str) -> Result<()> {
        let element = self.find(css)?;
        self.execute("arguments[0].click();", vec![Session::arg(&element)]).map(drop)
    }

    /// Clicks the element `css` finds through WebDriver's own click (a
    /// real pointer click at its centre), which returns with any dialog the
    /// click opens still open.
    pub fn click_natively(&self, css: &str) -> Result<()> {
        let element = self.find(css)?;
        self.request("POST", &self.session_path(&format!("/element/{}/click", element.0)), Some(json!({}))).map(drop)
    }

    /// The text of the open `alert`/`confirm` dialog, then accepts it (OK)
    /// or dismisses it (Cancel).
    pub fn answer_dialog(&self, accept: bool) -> Result<String> {
        let text = self.request("GET", &self.session_path("/alert/text"), None)?;
        let verb = if accept { "/alert/accept" } else { "/alert/dismiss" };
        self.request("POST", &self.session_path(verb), Some(json!({})))?;
        Ok(text.as_str().unwrap_or_default().to_string())
    }

    /// The editor's text (`#editor`'s value).
    pub fn editor_text(&self) -> Result<String> {
        let value = self.execute("return document.getElementById('editor').value", vec![])?;
        Ok(value.as_str().unwrap_or_default().to_string())
    }

    /// Puts the editor's caret over `needle`'s last character, as a user
    /// would by double-clicking it, so the next keystrokes replace it.
    pub fn select_last_char_of(&self, needle: &str) -> Result<()> {
        let editor = self.find("#editor")?;
        let script = "const [el, needle] = arguments; const i = el.value.indexOf(needle); \
                      if (i < 0) return false; el.focus(); \
                      el.setSelectionRange(i + needle.length - 1, i + needle.length); return true;";
        let found = self.execute(script, vec![Session::arg(&editor), needle.into()])?;
        if found.as_bool() == Some(true) { Ok(()) } else { Err(format!("{needle:?} is not in the editor")) }
    }

    pub fn wait_for<T>(&self, timeout: Duration, mut probe: impl FnMut() -> Result<Option<T>>) -> Result<T> {
        let deadline = Instant::now() + timeout;
        loop {
            let last = probe();
            if let Ok(Some(value)) = last {
                return Ok(value);
            }
            if Instant::now() > deadline {
                return Err(format!("condition not met within {timeout:?} (last: {:?})", last.err()));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// One WebDriver call: returns the response's `value`, or its error.
    fn request(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value> {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let mut stream = TcpStream::connect(self.address).map_err(|e| format!("chromedriver: {e}"))?;
        stream.set_read_timeout(Some(Duration::from_secs(120))).map_err(|e| e.to_string())?;
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.address,
            body.len()
        );
        stream.write_all(request.as_bytes()).map_err(|e| format!("chromedriver: {e}"))?;
        let json = read_http_body(&mut stream).map_err(|e| format!("chromedriver: {e}"))?;
        let parsed: Value = serde_json::from_slice(&json).map_err(|e| format!("chromedriver sent bad JSON: {e}"))?;
        let value = parsed.get("value").cloned().unwrap_or(Value::Null);
        match value.get("error").and_then(Value::as_str) {
            Some(error) => Err(format!("{method} {path}: {error}: {}", value["message"].as_str().unwrap_or(""))),
            None => Ok(value),
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if !self.id.is_empty() {
            let _ = self.request("DELETE", &self.session_path(""), None);
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

fn element_of(value: &Value) -> Option<Element> {
    value.get(ELEMENT_KEY)?.as_str().map(|id| Element(id.to_string()))
}

fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(listener.local_addr().map_err(|e| e.to_string())?.port())
}

/// Reads one HTTP/1.1 response and returns its body. chromedriver keeps the
/// connection open whatever the request says, so the body is delimited by
/// Content-Length (or chunking), never by the end of the stream.
fn read_http_body(stream: &mut impl Read) -> Result<Vec<u8>> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        if let Some(body) = complete_body(&buffer)? {
            return Ok(body);
        }
        let read = stream.read(&mut chunk).map_err(|e| e.to_string())?;
        if read == 0 {
            return Err("connection closed before the response was complete".into());
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
}

/// The body if `response` holds a whole response, `None` if more is needed.
fn complete_body(response: &[u8]) -> Result<Option<Vec<u8>>> {
    let Some(split) = response.windows(4).position(|w| w == b"\r\n\r\n") else { return Ok(None) };
    let head = String::from_utf8_lossy(&response[..split]).to_ascii_lowercase();
    let body = &response[split + 4..];
    let header = |name: &str| {
        head.lines().find_map(|line| Some(line.strip_prefix(name)?.trim_start().strip_prefix(':')?.trim().to_string()))
    };
    if header("transfer-encoding").is_some_and(|value| value.contains("chunked")) {
        return dechunk(body);
    }
    let length: usize = match header("content-length") {
        Some(value) => value.parse().map_err(|_| format!("bad Content-Length {value:?}"))?,
        None => return Err("response has neither Content-Length nor chunking".into()),
    };
    Ok((body.len() >= length).then(|| body[..length].to_vec()))
}

fn dechunk(mut rest: &[u8]) -> Result<Option<Vec<u8>>> {
    let mut out = Vec::new();
    loop {
        let Some(line_end) = rest.windows(2).position(|w| w == b"\r\n") else { return Ok(None) };
        let size_text = String::from_utf8_lossy(&rest[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| format!("bad chunk size {size_text:?}"))?;
        if size == 0 {
            return Ok(Some(out));
        }
        let start = line_end + 2;
        let Some(data) = rest.get(start..start + size) else { return Ok(None) };
        out.extend_from_slice(data);
        let Some(next) = rest.get(start + size + 2..) else { return Ok(None) };
        rest = next;
    }
}

/// Serves the release bundle (`cargo xtask test` builds it first) and
/// returns its URL.
pub fn serve_bundle() -> Result<String> {
    let dist = xtask::dist_dir();
    if !dist.join("index.html").exists() {
        return Err(format!("no release bundle in {}: run `cargo xtask test` (it builds one)", dist.display()));
    }
    let address = xtask::serve::serve_in_background(dist).map_err(|e| e.to_string())?;
    Ok(format!("http://{address}/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_bodies_by_length_or_chunks_without_waiting_for_close() {
        // chromedriver's own header spelling: no space after the colon.
        let plain = b"HTTP/1.1 200 OK\r\nContent-Length:2\r\n\r\n{}";
        assert_eq!(read_http_body(&mut &plain[..]).unwrap(), b"{}");
        let chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{\"a\r\n4\r\n\":1}\r\n0\r\n\r\n";
        assert_eq!(read_http_body(&mut &chunked[..]).unwrap(), b"{\"a\":1}");
        assert_eq!(complete_body(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n{}").unwrap(), None);
        assert!(read_http_body(&mut &b"HTTP/1.1 200 OK\r\n"[..]).is_err());
        assert!(complete_body(b"HTTP/1.1 200 OK\r\n\r\n{}").is_err());
    }
}
