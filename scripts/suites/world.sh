# shellcheck shell=sh
# Named worlds (sim/WORLDS.md): `xrc sim start|status|stop|gc` with
# unrelated client processes joining by XENSIM_WORLD_NAME.  The library
# side (sim/tests/test_world_named.c) runs in the sim suite.  A corrupted
# or truncated world ("A corrupted world"): its clients' calls fail with
# EIO and one message, plain and under ASan (sim/tests/world-corrupt.sh).
suite_world() {
	run_one "world/cli" env BUILD="$BUILD" sh sim/tests/world-cli.sh
	run_one "world/corrupt" env BUILD="$BUILD" sh sim/tests/world-corrupt.sh
	run_one "world/corrupt asan" env BUILD="$BUILD" sh sim/tests/world-corrupt.sh asan
	# Another uid against the handles' socket names (sim/preload/DESIGN.md,
	# "Naming"): run as nobody through setpriv; needs root, else skipped.
	run_one "world/sockdir" env BUILD="$BUILD" sh sim/tests/world-sockdir.sh
}
