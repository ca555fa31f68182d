//! The plan (pure): the routes Go would take for a module.
