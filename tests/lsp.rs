//! The language server, driven over stdio (written next).
