//! API-server validation: the checks of Kubernetes' `pkg/apis/*/validation` and
//! `apimachinery/pkg/util/validation` that a manifest can fail.
//!
//! Helpers shared by the rules of this family (not a rule: never registered). Each helper
//! names the Go function it ports.

use crate::model::names;
use crate::rules::prelude::*;

/// An integer field's value, when it is an integer.
pub(crate) fn int_at(node: &Node, pointer: &str) -> Option<i64> {
    node.pointer(pointer).and_then(Node::as_i64)
}

/// A string field's value, when it is a string.
pub(crate) fn str_at<'a>(node: &'a Node, pointer: &str) -> Option<&'a str> {
    node.pointer(pointer).and_then(Node::as_str)
}

/// Reports `pointer` when its integer value is below `min` (`ValidateNonnegativeField`
/// with `min` 0, `ValidatePositiveField` with 1).
pub(crate) fn at_least(node: &Node, base: &str, field: &str, min: i64, cx: &mut Context<'_>) {
    let pointer = format!("{base}/{field}");
    if let Some(v) = int_at(node, &pointer)
        && v < min
    {
        let what = if min == 0 {
            "must be 0 or more".to_string()
        } else if min == 1 {
            "must be greater than 0".to_string()
        } else {
            format!("must be at least {min}")
        };
        cx.report(&pointer, At::Value, format!("`{field}: {v}` {what}"));
    }
}

fn alnum_lower(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

/// `IsDNS1123Label`: at most 63 characters, `[a-z0-9]([-a-z0-9]*[a-z0-9])?`.
pub(crate) fn is_dns1123_label(s: &str) -> bool {
    names::dns1123_label(s).is_none()
}

/// `IsDNS1123Subdomain`: at most 253 characters of dot-separated labels.
pub(crate) fn is_dns1123_subdomain(s: &str) -> bool {
    names::dns1123_subdomain(s).is_none()
}

/// `IsValidPortName` (IANA_SVC_NAME): 1 to 15 characters of `[a-z0-9-]`, at least one
/// letter, no leading, trailing or doubled `-`.
pub(crate) fn port_name_problem(s: &str) -> Option<&'static str> {
    if s.is_empty() || s.len() > 15 {
        return Some("must be 1 to 15 characters");
    }
    if !s.chars().all(|c| alnum_lower(c) || c == '-') {
        return Some("must contain only lower case letters, digits and '-'");
    }
    if !s.chars().any(|c| c.is_ascii_lowercase()) {
        return Some("must contain at least one letter");
    }
    if s.contains("--") {
        return Some("must not contain consecutive '-'");
    }
    if s.starts_with('-') || s.ends_with('-') {
        return Some("must not begin or end with '-'");
    }
    None
}

/// `IsValidPortNum`: 1 to 65535.
pub(crate) fn is_port_number(n: i64) -> bool {
    (1..=65535).contains(&n)
}

/// `IsQualifiedName` (label keys): `[prefix/]name`.
pub(crate) fn is_qualified_name(key: &str) -> bool {
    names::qualified_name(key).is_none()
}

/// `IsValidLabelValue`: empty, or at most 63 characters of `[A-Za-z0-9_.-]` starting and
/// ending alphanumeric.
pub(crate) fn is_label_value(v: &str) -> bool {
    names::label_value(v).is_none()
}

/// An `IntOrString` field as read: a whole number or a string.
pub(crate) enum IntOrString<'a> {
    Int(i64),
    Str(&'a str),
}

pub(crate) fn int_or_string(node: &Node) -> Option<IntOrString<'_>> {
    match &node.value {
        Value::String(s) => Some(IntOrString::Str(s)),
        _ => node.as_i64().map(IntOrString::Int),
    }
}

/// `IsValidPercent`: `^[0-9]+%$`; the percentage.
pub(crate) fn percent(s: &str) -> Option<i64> {
    let digits = s.strip_suffix('%')?;
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(digits.parse::<i64>().unwrap_or(i64::MAX))
}

/// `ValidatePositiveIntOrPercent` and `IsNotMoreThan100Percent`: why an int-or-percent
/// value is invalid, or `None`; `max100` also rejects percentages over 100.
pub(crate) fn int_or_percent_problem(node: &Node, max100: bool) -> Option<String> {
    match int_or_string(node)? {
        IntOrString::Int(i) if i < 0 => Some(format!("`{i}` must be 0 or more")),
        IntOrString::Int(_) => None,
        IntOrString::Str(s) => match percent(s) {
            None => Some(format!("`{s}` must be an integer or a percentage (e.g. '25%')")),
            Some(p) if max100 && p > 100 => Some(format!("`{s}` must not be greater than 100%")),
            Some(_) => None,
        },
    }
}

/// `getIntOrPercentValue`: the number of an int or a valid percentage (`0` for other
/// strings, as Go's `IntValue` reads them).
pub(crate) fn int_or_percent_value(node: &Node) -> i64 {
    match int_or_string(node) {
        Some(IntOrString::Int(i)) => i,
        Some(IntOrString::Str(s)) => percent(s).or_else(|| s.parse().ok()).unwrap_or(0),
        None => 0,
    }
}

/// An IPv4 address as Go's `ParseIPSloppy` reads it (leading zeros allowed).
fn ipv4(s: &str) -> Option<[u8; 4]> {
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() != 4 {
        return None;
    }
    let mut out = [0u8; 4];
    for (i, p) in parts.iter().enumerate() {
        if p.is_empty() || p.len() > 3 || !p.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        out[i] = p.parse::<u16>().ok().filter(|&v| v <= 255)? as u8;
    }
    Some(out)
}

/// An IP address (v4 or v6) as 16 bytes, and whether it is v4.
pub(crate) fn ip(s: &str) -> Option<(u128, bool)> {
    if let Some(v4) = ipv4(s) {
        return Some((u32::from_be_bytes(v4) as u128, true));
    }
    s.parse::<std::net::Ipv6Addr>().ok().map(|a| (u128::from(a), false))
}

/// A CIDR (`ParseCIDRSloppy`): the masked network, the prefix length, and whether it is v4.
pub(crate) fn cidr(s: &str) -> Option<(u128, u32, bool)> {
    let (addr, len) = s.split_once('/')?;
    let (ip, v4) = ip(addr)?;
    if len.is_empty() || len.len() > 3 || !len.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let len: u32 = len.parse().ok()?;
    let bits = if v4 { 32 } else { 128 };
    if len > bits {
        return None;
    }
    let host = bits - len;
    let mask = if host >= 128 { 0 } else { !0u128 << host };
    let ip = if v4 { ip & 0xffff_ffff } else { ip };
    Some((ip & mask, len, v4))
}

/// Whether a label selector (`metav1.LabelSelector`) is present with neither
/// `matchLabels` nor `matchExpressions` entries.
pub(crate) fn selector_is_empty(selector: &Node) -> bool {
    let labels = selector.get("matchLabels").and_then(Node::as_map).map_or(0, <[_]>::len);
    let exprs = selector.seq_of("matchExpressions").len();
    labels + exprs == 0
}

/// The protocols of ports (`ValidateProtocol`… `supportedPortProtocols`).
pub(crate) const PROTOCOLS: [&str; 3] = ["TCP", "UDP", "SCTP"];

/// The `supportedPortProtocols` check: reports an unknown protocol.
pub(crate) fn check_protocol(node: &Node, pointer: &str, cx: &mut Context<'_>) {
    if let Some(p) = node.pointer(pointer)
        && let Some(s) = scalar_text(p)
        && !p.is_null()
        && !PROTOCOLS.contains(&s.as_str())
    {
        cx.report(
            pointer,
            At::Value,
            format!("protocol `{s}` is not supported: use TCP, UDP or SCTP"),
        );
    }
}

/// Reports a string field whose value is not one of `allowed` (`field.NotSupported`).
pub(crate) fn check_enum(node: &Node, pointer: &str, allowed: &[&str], cx: &mut Context<'_>) {
    let Some(v) = node.pointer(pointer) else { return };
    if v.is_null() {
        return;
    }
    let Some(s) = scalar_text(v) else { return };
    if !allowed.contains(&s.as_str()) {
        let mut tokens = pointer.rsplit('/');
        let last = tokens.next().unwrap_or(pointer);
        let field = match (last.parse::<usize>(), tokens.next()) {
            (Ok(i), Some(list)) => format!("{list}[{i}]"),
            _ => last.to_string(),
        };
        let hint = crate::vocab::suggest::hint(&s, allowed.iter().copied());
        cx.report(
            pointer,
            At::Value,
            format!("`{field}: {s}` is not supported: use {}{hint}", one_of(allowed)),
        );
    }
}

/// `` `A`, `B` or `C` ``.
pub(crate) fn one_of(values: &[&str]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => quoted.join(""),
    }
}

/// Everything a pod spec validation walks: the object's pod spec pointer and node.
pub(crate) fn pod_spec(object: &Object) -> Option<(String, &Node)> {
    let t = object.pod_template()?;
    Some((t.spec_pointer(), t.spec?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_ports() {
        assert!(is_dns1123_label("web-1"));
        assert!(!is_dns1123_label("web.1"));
        assert!(is_dns1123_subdomain("a.b-c.d"));
        assert!(!is_dns1123_subdomain("a..b"));
        assert_eq!(port_name_problem("http"), None);
        assert_eq!(port_name_problem("h2c-web"), None);
        assert!(port_name_problem("8080").is_some());
        assert!(port_name_problem("http--x").is_some());
        assert!(port_name_problem("-http").is_some());
        assert!(port_name_problem("HTTP").is_some());
        assert!(port_name_problem("a-very-long-port-name").is_some());
        assert!(is_qualified_name("app.kubernetes.io/name"));
        assert!(!is_qualified_name("a/"));
    }

    #[test]
    fn percents_and_cidrs() {
        assert_eq!(percent("25%"), Some(25));
        assert_eq!(percent("%"), None);
        assert_eq!(percent("2.5%"), None);
        assert_eq!(cidr("10.0.0.0/8"), Some((0x0a00_0000, 8, true)));
        assert_eq!(cidr("10.1.2.3/8"), Some((0x0a00_0000, 8, true)));
        assert_eq!(cidr("010.0.0.0/8").map(|c| c.1), Some(8));
        assert!(cidr("10.0.0.0").is_none());
        assert!(cidr("10.0.0.0/33").is_none());
        assert!(cidr("fd00::/8").is_some());
        assert!(cidr("::/0").is_some());
        assert!(cidr("300.0.0.0/8").is_none());
    }
}
