//! Plain-scalar resolution the way kubectl does it.
//!
//! kubectl reads YAML through `sigs.k8s.io/yaml`, which uses go-yaml v2 and so YAML 1.1
//! rules: `yes`/`no`/`on`/`off`/`y`/`n` are booleans, `0644` is octal (420), `0x1F` is hex,
//! underscores in numbers are dropped, and timestamps stay strings. Quoted and block
//! scalars are always strings.

/// What a plain scalar means.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str,
}

/// Resolves a plain (unquoted) scalar.
pub fn resolve_plain(s: &str) -> Resolved {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Resolved::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Resolved::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Resolved::Bool(false);
        }
        ".nan" | ".NaN" | ".NAN" => return Resolved::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Resolved::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Resolved::Float(f64::NEG_INFINITY),
        _ => {}
    }
    let first = s.as_bytes()[0];
    if !(first.is_ascii_digit() || first == b'-' || first == b'+' || first == b'.') {
        return Resolved::Str;
    }
    let cleaned: std::borrow::Cow<str> = if s.contains('_') {
        s.replace('_', "").into()
    } else {
        s.into()
    };
    match parse_go_int(&cleaned) {
        Some(GoInt::Int(i)) => return Resolved::Int(i),
        // go-yaml reads it as a uint64; a float keeps it a number that is out of every
        // signed field's range (never wrapped, never clamped).
        Some(GoInt::Uint(u)) => return Resolved::Float(u as f64),
        None => {}
    }
    // go-yaml's float pattern also takes integers too large for 64 bits (`99999999999999999999`
    // is 1e20). A literal beyond the float64 range (`1e400`) fails Go's `ParseFloat`, so
    // go-yaml, and kubectl after it, read it as a string: so do we, and a numeric field
    // then reports a string where a number belongs.
    if is_yaml_float(&cleaned)
        && let Ok(f) = cleaned.parse::<f64>()
        && f.is_finite()
    {
        return Resolved::Float(f);
    }
    Resolved::Str
}

enum GoInt {
    Int(i64),
    Uint(u64),
}

/// Go's `strconv.ParseInt(s, 0, 64)`, then `strconv.ParseUint(s, 0, 64)` as go-yaml tries
/// them: optional sign (not for the unsigned one), then `0x`, `0o`, `0b`, a leading `0`
/// (octal) or decimal digits.
fn parse_go_int(s: &str) -> Option<GoInt> {
    let (neg, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if body.is_empty() {
        return None;
    }
    let (radix, digits) = if let Some(d) = body.strip_prefix("0x").or(body.strip_prefix("0X")) {
        (16, d)
    } else if let Some(d) = body.strip_prefix("0o").or(body.strip_prefix("0O")) {
        (8, d)
    } else if let Some(d) = body.strip_prefix("0b").or(body.strip_prefix("0B")) {
        (2, d)
    } else if body.len() > 1 && body.starts_with('0') {
        (8, &body[1..])
    } else {
        (10, body)
    };
    if digits.is_empty() || !digits.bytes().all(|b| (b as char).is_digit(radix)) {
        return None;
    }
    let magnitude = u64::from_str_radix(digits, radix).ok()?;
    if neg {
        // -2^63 is the only magnitude above i64::MAX that fits.
        let value = -i128::from(magnitude);
        i64::try_from(value).ok().map(GoInt::Int)
    } else if s.starts_with('+') {
        // ParseUint takes no sign.
        i64::try_from(magnitude).ok().map(GoInt::Int)
    } else {
        Some(i64::try_from(magnitude).map_or(GoInt::Uint(magnitude), GoInt::Int))
    }
}

/// go-yaml v2's float pattern: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
pub(crate) fn is_yaml_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            digits(&mut i);
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::Resolved::*;
    use super::*;

    #[test]
    fn yaml_1_1_booleans() {
        for t in ["yes", "Yes", "on", "ON", "y", "true", "True"] {
            assert_eq!(resolve_plain(t), Bool(true), "{t}");
        }
        for f in ["no", "off", "Off", "n", "N", "false", "FALSE"] {
            assert_eq!(resolve_plain(f), Bool(false), "{f}");
        }
        assert_eq!(resolve_plain("yEs"), Str);
    }

    #[test]
    fn integers_with_go_prefixes() {
        assert_eq!(resolve_plain("0644"), Int(420));
        assert_eq!(resolve_plain("0o17"), Int(15));
        assert_eq!(resolve_plain("0x1F"), Int(31));
        assert_eq!(resolve_plain("-0b101"), Int(-5));
        assert_eq!(resolve_plain("1_000"), Int(1000));
        assert_eq!(resolve_plain("+12"), Int(12));
        assert_eq!(resolve_plain("-9223372036854775808"), Int(i64::MIN));
        assert_eq!(resolve_plain("0"), Int(0));
    }

    #[test]
    fn floats_nulls_and_strings() {
        assert_eq!(resolve_plain("1.5"), Float(1.5));
        assert_eq!(resolve_plain(".5"), Float(0.5));
        assert_eq!(resolve_plain("1e3"), Float(1000.0));
        assert_eq!(resolve_plain("08"), Float(8.0));
        assert_eq!(resolve_plain("99999999999999999999"), Float(1e20));
        assert_eq!(resolve_plain("-99999999999999999999"), Float(-1e20));
        assert_eq!(resolve_plain("~"), Null);
        assert_eq!(resolve_plain(""), Null);
        assert_eq!(resolve_plain("500m"), Str);
        assert_eq!(resolve_plain("1.2.3"), Str);
        assert_eq!(resolve_plain("2001-12-14"), Str);
        assert_eq!(resolve_plain("-"), Str);
        assert_eq!(resolve_plain("1e"), Str);
        assert!(matches!(resolve_plain(".inf"), Float(f) if f.is_infinite()));
    }

    #[test]
    fn numbers_beyond_64_bits_are_never_wrapped_or_clamped() {
        // ParseInt fails, ParseUint takes it: a number, above every signed range.
        assert_eq!(resolve_plain("9223372036854775808"), Float(9223372036854775808.0));
        assert_eq!(resolve_plain("18446744073709551615"), Float(18446744073709551615.0));
        assert_eq!(resolve_plain("0xFFFFFFFFFFFFFFFF"), Float(18446744073709551615.0));
        assert_eq!(resolve_plain("9223372036854775807"), Int(i64::MAX));
        // Signed: ParseUint refuses the sign, so beyond i64 it is go-yaml's float...
        assert_eq!(resolve_plain("-9223372036854775809"), Float(-9223372036854775809.0));
        assert_eq!(resolve_plain("+9223372036854775808"), Float(9223372036854775808.0));
        // ...or, without a float form, a string.
        assert_eq!(resolve_plain("-0x8000000000000001"), Str);
        assert_eq!(resolve_plain("0x1FFFFFFFFFFFFFFFF"), Str);
        // Beyond the float64 range, Go's ParseFloat fails: go-yaml reads a string.
        assert_eq!(resolve_plain("1e400"), Str);
        assert_eq!(resolve_plain("-1e400"), Str);
        assert_eq!(resolve_plain(&"9".repeat(400)), Str);
        assert_eq!(resolve_plain("1e30"), Float(1e30));
        // Underflow is not an error in Go: zero.
        assert_eq!(resolve_plain("1e-400"), Float(0.0));
    }
}
