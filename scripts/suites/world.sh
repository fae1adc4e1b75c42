# shellcheck shell=sh
# Named worlds (sim/WORLDS.md): `xrc sim start|status|stop|gc` with
# unrelated client processes joining by XENSIM_WORLD_NAME.  The library
# side (sim/tests/test_world_named.c) runs in the sim suite.
suite_world() {
	run_one "world/cli" env BUILD="$BUILD" sh sim/tests/world-cli.sh
}
