//! `invalid-cronjob-schedule`: A CronJob's `schedule` or `timeZone` the API server rejects.

use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "invalid-cronjob-schedule",
    family: Family::Api,
    severity: Severity::Error,
    title: "A CronJob's schedule, time zone or concurrency policy the API server rejects",
    rationale: "The API server parses `spec.schedule` with the standard cron parser (`validateScheduleFormat`, robfig/cron `ParseStandard`): five fields (minute 0-59, hour 0-23, day of month 1-31, month 1-12 or jan-dec, day of week 0-6 or sun-sat), each a list of `*`, `?`, values and ranges with an optional `/step`, or one of `@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight`, `@hourly`, `@every <duration>`. `TZ=` or `CRON_TZ=` in the schedule is rejected: the time zone goes in `spec.timeZone`, which must name a zone of the IANA database (`validateTimeZone`; `Local` is not allowed). `concurrencyPolicy` must be `Allow`, `Forbid` or `Replace` (`validateConcurrencyPolicy`).",
    default_reason: "Error: the API server's own validation rejects the object (`kubectl apply` fails); ported from the Kubernetes validation code, see docs/api-validation.md.",
    remediation: "Fix the schedule (e.g. `*/15 * * * *`, `0 3 * * 1-5`, `@daily`) and move a time zone into `spec.timeZone: Europe/Paris`.",
    example_bad: "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: report\nspec:\n  schedule: \"CRON_TZ=Europe/Paris 0 25 * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers:\n            - name: report\n              image: registry.example.com/report:1.4.2\n",
    example_good: "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: report\nspec:\n  schedule: \"0 23 * * *\"\n  timeZone: Europe/Paris\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers:\n            - name: report\n              image: registry.example.com/report:1.4.2\n",
    kinds: &["CronJob"],
    ..RuleInfo::BASE
};

const TIME_ZONES: &str = include_str!("time_zones.txt");

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const DAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/// Names a field accepts instead of numbers, and the number of the first.
type Names = Option<(&'static [&'static str], i64)>;

/// `mustParseInt`: Go's `strconv.Atoi`, then no negatives.
fn parse_int(s: &str) -> Result<i64, String> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("failed to parse int from `{s}`"));
    }
    let v: i64 = s.parse().map_err(|_| format!("failed to parse int from `{s}`"))?;
    if v < 0 {
        return Err(format!("negative number ({v}) not allowed: `{s}`"));
    }
    Ok(v)
}

/// `parseIntOrName`.
fn int_or_name(s: &str, names: Names) -> Result<i64, String> {
    if let Some((names, base)) = names
        && let Some(i) = names.iter().position(|n| n.eq_ignore_ascii_case(s))
    {
        return Ok(i as i64 + base);
    }
    parse_int(s)
}

/// `getRange` for one comma-separated part of a field.
fn range(expr: &str, min: i64, max: i64, names: Names) -> Result<(), String> {
    let range_and_step: Vec<&str> = expr.split('/').collect();
    let low_and_high: Vec<&str> = range_and_step[0].split('-').collect();
    let single = low_and_high.len() == 1;
    let (start, mut end);
    if low_and_high[0] == "*" || low_and_high[0] == "?" {
        start = min;
        end = max;
    } else {
        start = int_or_name(low_and_high[0], names)?;
        end = match low_and_high.len() {
            1 => start,
            2 => int_or_name(low_and_high[1], names)?,
            _ => return Err(format!("too many hyphens: `{expr}`")),
        };
    }
    let step = match range_and_step.len() {
        1 => 1,
        2 => {
            let s = parse_int(range_and_step[1])?;
            if single {
                end = max;
            }
            s
        }
        _ => return Err(format!("too many slashes: `{expr}`")),
    };
    if start < min {
        return Err(format!("beginning of range ({start}) below minimum ({min}): `{expr}`"));
    }
    if end > max {
        return Err(format!("end of range ({end}) above maximum ({max}): `{expr}`"));
    }
    if start > end {
        return Err(format!(
            "beginning of range ({start}) beyond end of range ({end}): `{expr}`"
        ));
    }
    if step == 0 {
        return Err(format!("step of range should be a positive number: `{expr}`"));
    }
    Ok(())
}

/// Go's `time.ParseDuration`, for `@every`.
fn go_duration(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    if s == "0" {
        return true;
    }
    if s.is_empty() {
        return false;
    }
    let mut rest = s;
    while !rest.is_empty() {
        let n = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number = &rest[..n];
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return false;
        }
        rest = &rest[n..];
        let unit = ["ns", "us", "µs", "μs", "ms", "s", "m", "h"]
            .iter()
            .filter(|u| rest.starts_with(*u))
            .max_by_key(|u| u.len());
        match unit {
            Some(u) => rest = &rest[u.len()..],
            None => return false,
        }
    }
    true
}

/// robfig/cron v3 `ParseStandard`: why `spec` does not parse, or `None`.
pub(crate) fn schedule_problem(spec: &str) -> Option<String> {
    let mut spec = spec.trim();
    if spec.is_empty() {
        return Some("empty spec string".into());
    }
    if spec.starts_with("TZ=") || spec.starts_with("CRON_TZ=") {
        let i = spec.find(' ').unwrap_or(spec.len());
        spec = spec[i..].trim();
    }
    if let Some(descriptor) = spec.strip_prefix('@') {
        return match descriptor {
            "yearly" | "annually" | "monthly" | "weekly" | "daily" | "midnight" | "hourly" => None,
            d if d.starts_with("every ") => {
                let dur = &d["every ".len()..];
                (!go_duration(dur)).then(|| format!("failed to parse duration `{dur}` of @every"))
            }
            _ => Some(format!("unrecognized descriptor: `{spec}`")),
        };
    }
    let fields: Vec<&str> = spec.split_whitespace().collect();
    if fields.len() != 5 {
        return Some(format!(
            "expected exactly 5 fields (minute hour day-of-month month day-of-week), found {}",
            fields.len()
        ));
    }
    let bounds: [(&str, i64, i64, Names); 5] = [
        ("minute", 0, 59, None),
        ("hour", 0, 23, None),
        ("day of month", 1, 31, None),
        ("month", 1, 12, Some((&MONTHS, 1))),
        ("day of week", 0, 6, Some((&DAYS, 0))),
    ];
    for (field, (what, min, max, names)) in fields.iter().zip(bounds) {
        for part in field.split(',') {
            if let Err(e) = range(part, min, max, names) {
                return Some(format!("{what}: {e}"));
            }
        }
    }
    None
}

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    let root = object.node();
    super::common::check_enum(root, "/spec/concurrencyPolicy", &["Allow", "Forbid", "Replace"], cx);
    if let Some(schedule) = root.pointer("/spec/schedule").and_then(Node::as_str) {
        if let Some(p) = schedule_problem(schedule) {
            cx.report(
                "/spec/schedule",
                At::Value,
                format!("schedule `{schedule}` does not parse: {p}"),
            );
        } else if schedule.contains("TZ") {
            cx.report(
                "/spec/schedule",
                At::Value,
                "`TZ` or `CRON_TZ` in the schedule is not allowed: set `spec.timeZone` instead",
            );
        }
    }
    let Some(tz) = root.pointer("/spec/timeZone").filter(|n| !n.is_null()) else {
        return;
    };
    let Some(zone) = tz.as_str() else { return };
    let problem = if zone.is_empty() {
        Some("must be unset or a time zone name".to_string())
    } else if zone.eq_ignore_ascii_case("Local") {
        Some("must name an explicit time zone of the IANA database, not `Local`".to_string())
    } else if !TIME_ZONES.lines().any(|l| !l.starts_with('#') && l == zone) {
        let hint = crate::vocab::suggest::hint(zone, TIME_ZONES.lines().filter(|l| !l.starts_with('#')));
        Some(format!("unknown time zone `{zone}`{hint}"))
    } else {
        None
    };
    if let Some(p) = problem {
        cx.report("/spec/timeZone", At::Value, format!("`timeZone`: {p}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules() {
        for ok in [
            "* * * * *",
            "*/15 * * * *",
            "0 3 * * 1-5",
            "0 0 1 jan,JUL *",
            "0 0 ? * sun",
            "5 4 * * 6",
            "0 22 * * MON-FRI",
            "1-59/2 * * * *",
            "@daily",
            "@every 1h30m",
            "TZ=UTC 0 * * * *",
            "  0 0 * * *  ",
        ] {
            assert_eq!(schedule_problem(ok), None, "{ok}");
        }
        for bad in [
            "",
            "* * * *",
            "0 0 0 * * *",
            "60 * * * *",
            "0 24 * * *",
            "0 0 0 * *",
            "0 0 * 13 *",
            "0 0 * * 7",
            "*/0 * * * *",
            "5-1 * * * *",
            "1-2-3 * * * *",
            "0 0 L * *",
            "@reboot",
            "@every 1d",
            "a * * * *",
            "1,,2 * * * *",
        ] {
            assert!(schedule_problem(bad).is_some(), "{bad}");
        }
    }
}
