//! Diagnostics: what the engine says about the user's text, with where.

use std::fmt;

/// A place in the user's text. Both numbers are 1-based, as editors show them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

impl Position {
    pub const START: Position = Position { line: 1, column: 1 };
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One finding about the user's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub position: Position,
    pub message: String,
}

impl Diagnostic {
    pub fn error(position: Position, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Error, position, message: message.into() }
    }

    pub fn warning(position: Position, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, position, message: message.into() }
    }
}

/// `LINE:COL: error: MESSAGE`, the shape compilers and `kubeloop check` use.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.position, self.severity.as_str(), self.message)
    }
}
