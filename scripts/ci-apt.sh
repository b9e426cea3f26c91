# Sourced by the scripts/ci-*.sh installers: `apt_install TAG PACKAGE...` installs the Debian packages given (the
# ones a script found missing) as root, or says what is missing and fails when not root.
apt_install() {
  local tag="$1"
  shift
  [ "$#" -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "$tag: missing $* and this is not root; install them with apt-get" >&2
    return 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "$@" >/dev/null
  echo "$tag: installed $*"
}
