package dev.chorus.node.command;

import dev.chorus.node.store.Database;
import dev.chorus.node.store.Keyspace;
import java.util.List;

/** Whole-database commands from db.c that are not per key: SWAPDB. */
public final class DatabaseCommands implements CommandFamily {
    @Override
    public List<CommandSpec.Builder> commands() {
        return List.of(CommandSpec.of("swapdb", 3, "write fast", DatabaseCommands::swapdb));
    }

    /**
     * swapdbCommand / dbSwapDatabases: the contents change places, clients stay in their database. Watchers of keys
     * that exist in either database get their transaction failed; clients blocked on a key that now exists are served
     * after the command. No keyspace events; propagated as it is (dirty even when both indexes are the same).
     */
    static void swapdb(CommandContext ctx) {
        int id1 = intOrError(ctx, 1, "ERR invalid first DB index");
        int id2 = intOrError(ctx, 2, "ERR invalid second DB index");
        Keyspace ks = ctx.server().keyspace();
        if (id1 < 0 || id1 >= ks.databases() || id2 < 0 || id2 >= ks.databases()) {
            throw new CommandError("ERR DB index is out of range");
        }
        if (id1 != id2) {
            Database db1 = ks.db(id1);
            Database db2 = ks.db(id2);
            ctx.server().watchedKeys().touchAllWatchedKeysInDb(db1, db2);
            ctx.server().watchedKeys().touchAllWatchedKeysInDb(db2, db1);
            ks.swapDatabases(id1, id2);
            ctx.server().blockedClients().scanDatabaseForReadyKeys(db1);
            ctx.server().blockedClients().scanDatabaseForReadyKeys(db2);
        }
        ctx.dirty();
        ctx.reply().ok();
    }

    /** getIntFromObjectOrReply with a message: not an integer, or outside int's range. */
    private static int intOrError(CommandContext ctx, int i, String error) {
        long v = ctx.longArg(i, error);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new CommandError(error);
        }
        return (int) v;
    }
}
