# Switchboard's JVM options for a standalone Tomcat: copy to $CATALINA_BASE/bin/setenv.sh.
# Size the heap for your connections (see docs/benchmarks.md: memory per session); Switchboard's memory
# budget (memory.budget, a share of this heap) bounds what clients can make it hold.
# Should memory run out all the same, exit at once so that the supervisor (systemd,
# Kubernetes) restarts the node, instead of leaving a half-dead one whose poller thread died.
CATALINA_OPTS="$CATALINA_OPTS -Xms1g -Xmx1g -XX:+ExitOnOutOfMemoryError -XX:+HeapDumpOnOutOfMemoryError -XX:HeapDumpPath=${CATALINA_BASE:-.}/logs"
export CATALINA_OPTS
