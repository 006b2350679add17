//! Currency codes: a loss in money means nothing without its currency, and a typo (`EUO`) must
//! not pass as one.

/// The active ISO 4217 alphabetic codes (2024 list, funds and precious metals left out: nobody
/// states a loss in gold).
const ISO_4217: &str = "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND \
BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB \
EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY \
KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR \
MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF \
SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS \
UAH UGX USD UYU UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG";

/// Whether `code` is an active ISO 4217 currency code (upper case, as written in documents).
pub fn is_currency(code: &str) -> bool {
    code.len() == 3 && ISO_4217.split_ascii_whitespace().any(|c| c == code)
}

/// The known codes, for "did you mean" suggestions.
pub fn currencies() -> impl Iterator<Item = &'static str> {
    ISO_4217.split_ascii_whitespace()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_codes_pass_and_typos_do_not() {
        assert!(is_currency("EUR"));
        assert!(is_currency("USD"));
        assert!(is_currency("CHF"));
        assert!(!is_currency("eur"));
        assert!(!is_currency("EUO"));
        assert!(!is_currency("EURO"));
    }
}
