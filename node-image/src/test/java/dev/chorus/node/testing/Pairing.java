package dev.chorus.node.testing;

import dev.chorus.node.testing.ServerProcess.Kind;

/**
 * Which implementation plays master and which plays the replicas, for replication tests run in every pairing of node
 * and Redis (Redis is the oracle: the same scenario must behave the same with either side swapped). A test that skips
 * some pairings names the ones it runs: {@code @EnumSource(value = Pairing.class, names = {...})}.
 */
public enum Pairing {
    NODE_TO_NODE(Kind.NODE, Kind.NODE),
    REDIS_MASTER_NODE_REPLICA(Kind.REDIS, Kind.NODE),
    NODE_MASTER_REDIS_REPLICA(Kind.NODE, Kind.REDIS),
    REDIS_TO_REDIS(Kind.REDIS, Kind.REDIS);

    public final Kind master;
    public final Kind replica;

    Pairing(Kind master, Kind replica) {
        this.master = master;
        this.replica = replica;
    }
}
