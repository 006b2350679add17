//! The gate as JUnit XML: one test case per practice, a failure for each practice under target.
//!
//! The elements and attributes are those of the JUnit schema CI servers share (Jenkins' and
//! Surefire's `junit-10.xsd`, which GitLab, GitHub test reporters and Azure DevOps also read),
//! so a dashboard lists the practices as tests: the class is the domain and subdomain, the test
//! the practice, and a failure's message the shortfall.

use super::{GateReport, Verdict};
use crate::svg::escape;

/// The report as a JUnit XML document.
pub fn junit_xml(report: &GateReport) -> String {
    let tests = report.practices.len();
    let failures = report.under().count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"smm check\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">\n"
    ));
    out.push_str(&format!(
        "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\">\n",
        escape(&report.title)
    ));
    out.push_str("    <properties>\n");
    for (name, value) in [
        ("target", report.target_file.as_str()),
        (report.measured.as_str(), report.measured_file.as_str()),
        ("tool", crate::TOOL),
    ] {
        out.push_str(&format!(
            "      <property name=\"{}\" value=\"{}\"/>\n",
            escape(name),
            escape(value)
        ));
    }
    out.push_str("    </properties>\n");
    for p in &report.practices {
        let open = format!(
            "    <testcase name=\"{}: {}\" classname=\"smm.{}.{}\"",
            escape(&p.id),
            escape(&p.name),
            escape(&p.domain),
            escape(&p.subdomain)
        );
        match p.verdict {
            Verdict::Under => {
                out.push_str(&open);
                out.push_str(">\n");
                let line = if p.at.is_known() {
                    format!(
                        "\nThe target sets it at {}:{}.",
                        report.target_file, p.at.line
                    )
                } else {
                    String::new()
                };
                out.push_str(&format!(
                    "      <failure type=\"under-target\" message=\"{}\">{}{}\nSee `smm explain {}`.</failure>\n",
                    escape(&p.shortfall),
                    escape(&report.message(p)),
                    escape(&line),
                    escape(&p.id)
                ));
                out.push_str("    </testcase>\n");
            }
            Verdict::Met => {
                out.push_str(&open);
                out.push_str("/>\n");
            }
            Verdict::Over => {
                out.push_str(&open);
                out.push_str(">\n");
                out.push_str(&format!(
                    "      <system-out>above target: target {}, {} {}</system-out>\n",
                    escape(&p.required),
                    report.present_word(),
                    escape(&p.present)
                ));
                out.push_str("    </testcase>\n");
            }
        }
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}
