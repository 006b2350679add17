//! Today's date from the system clock; the arithmetic is smm-core's `calendar`.

/// Today's date (UTC), from the system clock.
pub fn today() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    smm_core::calendar::date_of_day(i64::try_from(seconds / 86_400).unwrap_or(0))
}
