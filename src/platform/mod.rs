//! OS-specific inputs (proxy settings, persisted environment, hosts file): thin runners, plain parsers.
