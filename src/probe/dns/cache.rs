//! One system-resolver lookup per name per run: the GETs, the endpoint chains and the DNS
//! comparison all ask the same question, and a slow resolver must be waited for once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::facts::{HostsPin, ResolverAnswer};
use crate::probe::ProbeOptions;

type Lookup = (ResolverAnswer, Option<HostsPin>);

#[derive(Debug, Default)]
pub struct DnsCache {
    map: Mutex<HashMap<String, Arc<tokio::sync::OnceCell<Lookup>>>>,
}

impl DnsCache {
    /// The system resolver's answer for `name`, asked once; concurrent callers wait for the
    /// one lookup.
    pub async fn resolve(&self, name: &str, opts: &ProbeOptions) -> Lookup {
        let key = name.trim().trim_end_matches('.').to_ascii_lowercase();
        let cell = {
            let mut m = self.map.lock().unwrap_or_else(|p| p.into_inner());
            m.entry(key).or_default().clone()
        };
        cell.get_or_init(|| super::system::resolve_uncached(name, opts))
            .await
            .clone()
    }

    /// How many names were looked up.
    pub fn len(&self) -> usize {
        self.map.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
