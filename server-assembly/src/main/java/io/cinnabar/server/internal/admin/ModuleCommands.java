package io.cinnabar.server.internal.admin;

import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.CommandTable;

/**
 * {@code MODULE}: Cinnabar runs no native Redis modules, so LIST is always empty, LOAD and LOADEX always fail with
 * Redis's "Error loading the extension" reply (and a log line saying why) and UNLOAD finds no module. LOAD, LOADEX
 * and UNLOAD are protected like in Redis: refused unless {@code enable-module-command} allows them ("yes", or
 * "local" for loopback and Unix-socket connections), with Redis's error text.
 * <p><b>Note:</b> This class is not threadsafe (stateless; commands run on the event loop).
 */
public final class ModuleCommands {
    private ModuleCommands() {
    }

    /** Registers the MODULE subcommands in {@code t}. */
    public static void register(CommandTable t) {
        t.impl("module|list", c -> c.array(0));
        t.impl("module|help", c -> c.help("MODULE", new String[] {
            "LIST",
            "    Return a list of loaded modules.",
            "LOAD <path> [<arg> ...]",
            "    Load a module library from <path>, passing to it any optional arguments.",
            "LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]",
            "    Load a module library from <path>, while passing it module configurations and optional arguments.",
            "UNLOAD <name>",
            "    Unload a module."}));
        t.impl("module|load", ModuleCommands::load);
        t.impl("module|loadex", ModuleCommands::load);
        t.impl("module|unload", c -> {
            if (allowed(c)) {
                c.error("ERR Error unloading module: no such module with that name");
            }
        });
    }

    private static void load(Client c) {
        if (!allowed(c)) {
            return;
        }
        c.server.log.warning("Module " + c.argString(2) + " failed to load: Cinnabar cannot load native modules");
        c.error("ERR Error loading the extension. Please check the server logs.");
    }

    private static boolean allowed(Client c) {
        String mode = c.server.config.get("enable-module-command");
        if (mode.equals("yes") || mode.equals("local") && ServerCommands.isLocal(c)) {
            return true;
        }
        c.error("ERR MODULE command not allowed. If the enable-module-command option is set to \"local\", you can "
            + "run it from a local connection, otherwise you need to set this option in the configuration file, "
            + "and then restart the server.");
        return false;
    }
}
