# Sourced by the scripts: where the tools live, and trunk never downloads anything.
TOOLS="${VPCLAB_TOOLS:-$HOME/.cache/vpclab/tools}"
export PATH="$TOOLS/bin:$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true
export TRUNK_OFFLINE=true
