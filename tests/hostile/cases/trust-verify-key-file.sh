# shellcheck shell=bash disable=SC2034
# item 1: verify BUNDLE --key FILE accepts a public key file (it used to fail a good bundle)
expect=0
case_run() {
    pigsty verify "$SHARED/good.tgz" --key "$SHARED/good/pigsty/pigsty.gpg"
}
case_check() {
    grep -q "pinned by --key" "$CASE_OUT"
}
