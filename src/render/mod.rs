//! Rendering: terminal tables and verdicts, CI lines.
