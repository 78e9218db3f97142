package dev.chorus.node.command;

import java.util.List;

/** A group of commands defined together in one file, like Redis' t_string.c or t_list.c. */
public interface CommandFamily {
    List<CommandSpec.Builder> commands();
}
