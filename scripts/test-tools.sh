#!/usr/bin/env bash
# Tools the tests drive besides Node: Debian's Chromium (the Swagger UI browser test; never a browser
# download), docker-compose (parses docker/compose.yml without an engine) and kubectl (renders
# docker/kubernetes with its built-in kustomize). Installs what is missing with apt-get (as root, or
# through sudo); says what to install when it cannot.
set -euo pipefail

# kubectl from the Kubernetes project's own signed apt repository (pkgs.k8s.io, the source kubernetes.io gives
# for Debian): Debian 12's `kubernetes-client` is kubectl 1.20.2, whose kustomize (v2.0.3) cannot read the
# components, labels and replacements of docker/kubernetes.
KUBECTL_MINOR=v1.32
KUBERNETES_APT="https://pkgs.k8s.io/core:/stable:/${KUBECTL_MINOR}/deb/"

missing=()
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
need_kubectl=false
command -v kubectl >/dev/null 2>&1 || need_kubectl=true
if ! $need_kubectl && ! kubectl version --client -o json 2>/dev/null | grep -q '"kustomizeVersion": *"v5\.'; then
  echo "The kubectl on PATH has no kustomize v5 (docker/kubernetes needs it): install kubectl ${KUBECTL_MINOR} from ${KUBERNETES_APT}" >&2
  exit 1
fi
[ ${#missing[@]} -eq 0 ] && ! $need_kubectl && exit 0

wanted=("${missing[@]}")
$need_kubectl && wanted+=("kubectl (${KUBERNETES_APT})")
if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "The tests need: ${wanted[*]}. Install them with: sudo apt-get install -y ${wanted[*]}" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "The tests need: ${wanted[*]} (Chromium at CHROMIUM_PATH, default /usr/bin/chromium); install them with your package manager." >&2
  exit 1
fi

if $need_kubectl; then
  command -v curl >/dev/null 2>&1 || missing+=(curl)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "test tools: installing ${missing[*]} (Debian packages)"
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if $need_kubectl; then
  echo "test tools: installing kubectl ${KUBECTL_MINOR} from ${KUBERNETES_APT}"
  keyring=/etc/apt/keyrings/kubernetes-apt-keyring.asc
  "${as_root[@]}" mkdir -p -m 755 /etc/apt/keyrings
  curl -fsSL "${KUBERNETES_APT}Release.key" | "${as_root[@]}" tee "$keyring" >/dev/null
  echo "deb [signed-by=${keyring}] ${KUBERNETES_APT} /" | "${as_root[@]}" tee /etc/apt/sources.list.d/kubernetes.list >/dev/null
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq kubectl >/dev/null
fi
