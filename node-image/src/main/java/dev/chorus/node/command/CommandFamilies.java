package dev.chorus.node.command;

import java.util.List;

/** The families that make up the command table, one line each. */
public final class CommandFamilies {
    private CommandFamilies() {
    }

    public static List<CommandFamily> all() {
        return List.of(
                new ConnectionCommands(),
                new ServerCommands(),
                new IntrospectionCommands(),
                new KeyspaceCommands(),
                new StringCommands(),
                new ListCommands(),
                new HashCommands(),
                new SetCommands(),
                new TransactionCommands(),
                new PubSubCommands(),
                new PersistenceCommands(),
                new ReplicationCommands(),
                new SortedSetCommands(),
                new BitCommands(),
                new HyperLogLogCommands(),
                new SortCommands(),
                new DatabaseCommands(),
                new DebugCommands(),
                new LolwutCommand(),
                new GeoCommands(),
                new ClientStateCommands(),
                new SlowLogCommands(),
                new LatencyCommands(),
                new ClusterCommands(),
                new MigrateCommand(),
                new ScriptingCommands(),
                new StreamCommands(),
                new FunctionCommands());
    }
}
