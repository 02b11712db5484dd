#!/usr/bin/env bash
# Redis Cluster at scale: N Cinnabar nodes embedded in one JVM (N/2 masters with a slot range each, N/2 replicas)
# join by CLUSTER MEET; prints how long gossip took to converge (every node knows every other, cluster_state:ok),
# how long until a stopped master was marked FAIL by all the others, and until its replica replaced it, next to
# cluster-node-timeout (1000 ms). This is ClusterScaleTest (20 nodes in the normal build) run with more nodes.
# Usage: bench/cluster-scale.sh [N]   (default 60; CINNABAR_CLUSTER_LOG=true shows the nodes' logs)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:-60}"
cd "$root"
mvn -B -ntp -q -pl server-assembly -am verify -Dtest=ClusterScaleTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dcheckstyle.skip -Dcinnabar.scale.nodes="$N" -Dcinnabar.cluster.log="${CINNABAR_CLUSTER_LOG:-false}" \
  | grep -E 'cluster scale|FAIL|ERROR' || true
sed -n 's/.*\(cluster scale: [^<]*\).*/\1/p' \
  server-assembly/target/surefire-reports/TEST-io.cinnabar.server.internal.cluster.ClusterScaleTest.xml | head -1
