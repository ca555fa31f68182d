//! Network probes: DNS, TCP, TLS, proxy CONNECT/SOCKS, HTTP; each independent, each with a timeout.
