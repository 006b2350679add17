# Shared by scripts/load-test and scripts/release-build (sourced, from the repository's root):
# Debian packages a script needs, and a fresh `smm serve` brought to a working state through its
# API, as a user would.

# provision TOOL…: installs the Debian package of each tool that is missing (same names).
provision() {
    local missing=() tool
    for tool in "$@"; do
        command -v "$tool" >/dev/null || missing+=("$tool")
    done
    [ ${#missing[@]} -gt 0 ] || return 0
    echo "installing ${missing[*]}" >&2
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

# listening PID STDOUT STDERR: waits (up to a minute) for the server PID to write where it
# listens in the file STDOUT, and sets `base` to that URL; shows STDERR and fails otherwise.
listening() {
    local pid=$1 out=$2 err=$3
    base=""
    for _ in $(seq 1 600); do
        base=$(sed -n 's/^smm serve: listening on \(http:[^ ]*\)$/\1/p' "$out")
        [ -n "$base" ] && return 0
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "the server did not start" >&2
    cat "$err" >&2
    return 1
}

# field EXPRESSION: one JSON field of stdin, by a Python expression over `d`.
field() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# api METHOD PATH [curl args…]: the body of a successful answer of the server at `base`.
api() {
    local method=$1 path=$2
    shift 2
    curl -sS --fail-with-body --max-time 120 -X "$method" "$base$path" "$@"
}

# bootstrap NAME PASSWORD JAR: signs NAME in (its cookies in the file JAR), makes an editor's
# API token, a system, and stores the bottling line's target and assessment in it. Sets `org`,
# `csrf`, `token`, `auth` (curl's header arguments for the token), `system` and `assessment`.
bootstrap() {
    local name=$1 password=$2 jar=$3 session
    session=$(api POST /api/session -c "$jar" -H 'content-type: application/json' \
        -d "{\"name\":\"$name\",\"password\":\"$password\"}")
    csrf=$(field 'd["csrf_token"]' <<<"$session")
    org=$(field 'd["organizations"][0]["id"]' <<<"$session")
    token=$(api POST "/api/organizations/$org/tokens" -b "$jar" -H "x-csrf-token: $csrf" \
        -H 'content-type: application/json' \
        -d '{"name":"bootstrap","role":"editor","expires_in_days":1}' | field 'd["secret"]')
    auth=(-H "authorization: Bearer $token")
    system=$(api POST "/api/organizations/$org/systems" "${auth[@]}" \
        -H 'content-type: application/json' -d '{"name":"Bottling line BL-2"}' | field 'd["id"]')
    api POST "/api/systems/$system/targets" "${auth[@]}" -H 'content-type: application/yaml' \
        --data-binary @examples/bottling-line/target.yaml >/dev/null
    assessment=$(api POST "/api/systems/$system/assessments" "${auth[@]}" \
        -H 'content-type: application/yaml' --data-binary @examples/bottling-line/assessment.yaml |
        field 'd["id"]')
}
