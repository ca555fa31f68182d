//! The JSON report: schema_version, configuration, plan, facts, prediction, verdict.
