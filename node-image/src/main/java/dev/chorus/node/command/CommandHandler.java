package dev.chorus.node.command;

/** Executes one command. Arguments are in {@link CommandContext#argv()}; the reply goes to {@link CommandContext#reply()}. */
@FunctionalInterface
public interface CommandHandler {
    void execute(CommandContext ctx);
}
