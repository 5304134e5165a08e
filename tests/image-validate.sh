#!/bin/bash
# image-validate.sh JAR: render every environment spec x OS x provider with `pigsty image` into
# a temporary directory, laid out as the committed ones (<top>/<spec>/<os>/<provider>), and
# check each rendering with the real tool:
#   vagrant   libvirt:    VAGRANT_DEFAULT_PROVIDER=libvirt vagrant validate (the Debian
#                         vagrant-libvirt plugin checks the provider block too)
#             virtualbox: vagrant validate --ignore-provider (VirtualBox is not in Debian 12, so
#                         the provider is unusable and its block cannot be checked here)
#   terraform terraform fmt -check -recursive on all (parses and checks layout); for aws also
#             terraform init -plugin-dir (the local provider mirror $PIGSTY_TF_PLUGIN_DIR, default
#             /opt/tf-plugins: hashicorp/aws only) + terraform validate, and terraform plan in a
#             network namespace with no network, which must refuse a missing allowed_cidr and
#             allowed_cidr=0.0.0.0/0 before reaching the provider. The alicloud provider cannot be
#             fetched here: aliyun gets fmt only.
#   packer    packer validate (1.6.6, builders built in, no plugin download) and packer fmt -check
# and proves the validators bite: a missing release file, an unknown libvirt option, an unset
# base image checksum or AMI, a misaligned .tf and a .tf syntax error must each be rejected.
# The release and the bundle are empty placeholder files (the validators only check that they
# exist). All validator state (VAGRANT_HOME, Packer config/cache/plugins, Terraform CLI config)
# lives in the temp directory, removed on exit. Prints PASS/FAIL per check; exit 1 on any FAIL,
# exit 2 if a validator is missing.
set -eu

JAR=${1:?usage: image-validate.sh JAR}
JAR=$(readlink -f "$JAR")
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)

missing=""
for t in java vagrant packer terraform; do
  command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
done
if [ -n "$missing" ]; then
  echo "image-validate: missing validator(s):$missing (apt-get install vagrant vagrant-libvirt packer; terraform from HashiCorp)" >&2
  exit 2
fi

TF_PLUGINS=${PIGSTY_TF_PLUGIN_DIR:-/opt/tf-plugins}
if [ ! -d "$TF_PLUGINS/registry.terraform.io/hashicorp/aws" ]; then
  echo "image-validate: no hashicorp/aws provider under $TF_PLUGINS (a terraform -plugin-dir mirror;" \
    "set PIGSTY_TF_PLUGIN_DIR): terraform validate cannot run" >&2
  exit 2
fi
command -v unshare >/dev/null 2>&1 || { echo "image-validate: unshare (util-linux) missing" >&2; exit 2; }

W=$(mktemp -d "${TMPDIR:-/tmp}/pigsty-image-validate.XXXXXX")
trap 'rm -rf "$W"' EXIT
export VAGRANT_HOME="$W/state/vagrant" VAGRANT_CHECKPOINT_DISABLE=1 VAGRANT_NO_COLOR=1
export PACKER_CONFIG_DIR="$W/state/packer/config" PACKER_PLUGIN_PATH="$W/state/packer/plugins"
export PACKER_CACHE_DIR="$W/state/packer/cache" CHECKPOINT_DISABLE=1 PACKER_NO_COLOR=1
# terraform keeps .terraform/ and the lock file in each rendered directory (inside $W)
export TF_CLI_CONFIG_FILE="$W/state/terraformrc" TF_IN_AUTOMATION=1 AWS_EC2_METADATA_DISABLED=true
mkdir -p "$VAGRANT_HOME" "$PACKER_CONFIG_DIR" "$PACKER_PLUGIN_PATH" "$PACKER_CACHE_DIR"
: >"$TF_CLI_CONFIG_FILE"

VERSION=0.0.0-check
DIST="$W/dist"
mkdir -p "$DIST" "$W/empty-dist"
# every OS of spec/os.yml (deb ones amd64, rpm ones x86_64)
OSES="d12 d13 el9"
for os in $OSES; do
  arch=$(case $os in el*) echo x86_64 ;; *) echo amd64 ;; esac)
  : >"$DIST/pigsty-pkg-$VERSION.$os.$arch.tgz"
done
: >"$DIST/pigsty-$VERSION.tgz"
CHECKSUM=sha256:$(printf '%064d' 0)

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "PASS $*"; }
ko() { fail=$((fail + 1)); echo "FAIL $*"; sed 's/^/    /' "$W/log" >&2; }
# expect_ok NAME CMD...: the command must succeed
expect_ok() { local n=$1; shift; if "$@" >"$W/log" 2>&1; then ok "$n"; else ko "$n"; fi; }
# expect_fail NAME PATTERN CMD...: the command must fail and say PATTERN
expect_fail() {
  local n=$1 pat=$2; shift 2
  if "$@" >"$W/log" 2>&1; then ko "$n (accepted)"; elif grep -q -- "$pat" "$W/log"; then ok "$n"; else ko "$n (no '$pat')"; fi
}

render() { # KIND SPEC OS PROVIDER DIR
  java -jar "$JAR" image "$1" --spec "$2" --os "$3" --provider "$4" --spec-dir "$ROOT/spec" \
    --pigsty-version "$VERSION" --dist "$DIST" -o "$5" >/dev/null
}

# the libvirt provider must exist, else every libvirt check would only test a missing plugin
probe="$W/out/probe"
render vagrant meta d12 libvirt "$probe"
if (cd "$probe" && VAGRANT_DEFAULT_PROVIDER=libvirt PIGSTY_DIST="$DIST" vagrant validate) 2>&1 | grep -q "could not be found"; then
  echo "image-validate: vagrant has no libvirt provider (apt-get install vagrant-libvirt)" >&2
  exit 2
fi

n=0
for spec in meta full; do
  for os in $OSES; do
    for p in libvirt virtualbox; do
      d="$W/out/vagrant/$spec/$os/$p"
      render vagrant "$spec" "$os" "$p" "$d"; n=$((n + 1))
      if [ "$p" = libvirt ]; then
        expect_ok "vagrant validate $spec $os $p" env -C "$d" VAGRANT_DEFAULT_PROVIDER=libvirt vagrant validate
      else
        expect_ok "vagrant validate --ignore-provider $spec $os $p" env -C "$d" vagrant validate --ignore-provider
      fi
    done
    for p in aws aliyun; do
      render terraform "$spec" "$os" "$p" "$W/out/terraform/$spec/$os/$p"; n=$((n + 1))
    done
  done
done
for spec in meta full; do
  for os in $OSES; do
    d="$W/out/terraform/$spec/$os/aws"
    expect_ok "terraform init -plugin-dir $spec $os aws" \
      unshare -n terraform -chdir="$d" init -no-color -input=false -backend=false -plugin-dir="$TF_PLUGINS"
    expect_ok "terraform validate $spec $os aws" unshare -n terraform -chdir="$d" validate -no-color
  done
done
expect_ok "terraform fmt -check -recursive ($(find "$W/out/terraform" -name '*.tf' | wc -l) files)" \
  terraform fmt -no-color -check -diff -recursive "$W/out/terraform"
for os in $OSES; do
  for p in qemu amazon-ebs; do
    d="$W/out/images/meta/$os/$p"
    render packer meta "$os" "$p" "$d"; n=$((n + 1))
    if [ "$p" = qemu ]; then
      expect_ok "packer validate $os $p" packer validate -var "dist=$DIST" -var base_image_url=base.qcow2 \
        -var "base_image_checksum=$CHECKSUM" "$d"
    else
      expect_ok "packer validate $os $p" packer validate -var "dist=$DIST" -var source_ami=ami-0123456789abcdef0 "$d"
    fi
    expect_ok "packer fmt -check $os $p" packer fmt -check "$d"
  done
done

# --- the validators bite ----------------------------------------------------------------------
d="$W/out/vagrant/meta/d12/libvirt"
expect_fail "vagrant validate rejects a missing release" "must exist" \
  env -C "$d" VAGRANT_DEFAULT_PROVIDER=libvirt PIGSTY_DIST="$W/empty-dist" vagrant validate
cp -r "$d" "$W/out/bad-libvirt"
sed -i 's/^        v.cpus = n\[:cpus\]$/&\n        v.no_such_option = 1/' "$W/out/bad-libvirt/Vagrantfile"
expect_fail "vagrant validate (libvirt) rejects an unknown provider option" "no_such_option" \
  env -C "$W/out/bad-libvirt" VAGRANT_DEFAULT_PROVIDER=libvirt vagrant validate
expect_fail "packer validate rejects an unset base_image_checksum" 'Unset variable "base_image_checksum"' \
  packer validate -var "dist=$DIST" -var base_image_url=base.qcow2 "$W/out/images/meta/d12/qemu"
expect_fail "packer validate rejects an unset source_ami" 'Unset variable "source_ami"' \
  packer validate -var "dist=$DIST" "$W/out/images/meta/d12/amazon-ebs"
cp -r "$W/out/images/meta/d12/amazon-ebs" "$W/out/bad-packer"
sed -i 's/^  required_version = .*/&\n  required_plugins {\n    amazon = {\n      source  = "github.com\/hashicorp\/amazon"\n      version = ">= 1.0.0"\n    }\n  }/' \
  "$W/out/bad-packer/pigsty.pkr.hcl"
expect_fail "packer 1.6.6 rejects required_plugins (so the templates do not use it)" 'required_plugins' \
  packer validate -var "dist=$DIST" -var source_ami=ami-0123456789abcdef0 "$W/out/bad-packer"
mkdir -p "$W/out/bad-tf"
sed 's/^  cidr_block           = /  cidr_block = /' "$W/out/terraform/meta/d12/aws/main.tf" >"$W/out/bad-tf/main.tf"
expect_fail "terraform fmt -check rejects a misaligned file" "main.tf" terraform fmt -no-color -check "$W/out/bad-tf"
sed '$d' "$W/out/terraform/meta/d12/aws/main.tf" >"$W/out/bad-tf/main.tf" # drop the last closing brace
expect_fail "terraform fmt -check rejects a syntax error" "Unclosed configuration block" terraform fmt -no-color -check "$W/out/bad-tf"

d="$W/out/terraform/full/d12/aws"
expect_fail "terraform plan refuses a missing allowed_cidr" 'No value for required variable' \
  unshare -n terraform -chdir="$d" plan -no-color -input=false -refresh=false -var ssh_public_key=x
expect_fail "terraform plan refuses allowed_cidr=0.0.0.0/0" 'other than 0.0.0.0/0' \
  unshare -n terraform -chdir="$d" plan -no-color -input=false -refresh=false -var ssh_public_key=x \
  -var allowed_cidr=0.0.0.0/0
cp "$d/main.tf" "$W/out/bad-tf/main.tf"
sed -i 's/^  private_ip             = /  private_ipv9           = /' "$W/out/bad-tf/main.tf"
cp -r "$d/.terraform" "$d/.terraform.lock.hcl" "$W/out/bad-tf/"
expect_fail "terraform validate rejects an unknown attribute" 'private_ipv9' \
  unshare -n terraform -chdir="$W/out/bad-tf" validate -no-color

echo "image-validate: $n renderings, $pass passed, $fail failed"
[ "$fail" -eq 0 ]
