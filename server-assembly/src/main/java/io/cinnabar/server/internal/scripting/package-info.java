/**
 * Scripting: EVAL/EVALSHA (and their _RO forms), SCRIPT, FUNCTION and FCALL on the {@code io.cinnabar.lua} engine,
 * with Redis 7.2's environment (script_lua.c, eval.c, function_lua.c, functions.c, script.c).
 * <ul>
 * <li>{@link io.cinnabar.server.internal.scripting.ScriptEngine}: one Lua universe and its {@code redis} table;
 *     {@code redis.call} runs a command through the command pipeline ({@code Server.call}) for a socket-less
 *     script client and converts its reply to Lua ({@link io.cinnabar.server.internal.scripting.RespToLua}); a
 *     script's result goes back to the caller through
 *     {@link io.cinnabar.server.internal.scripting.LuaToResp}. Eval and functions each own one universe, as in
 *     Redis.</li>
 * <li>{@link io.cinnabar.server.internal.scripting.ScriptRun}: the state of the running script (flags,
 *     timed-out, killed, wrote), Redis's scriptRunCtx.</li>
 * <li>{@link io.cinnabar.server.internal.scripting.Scripting}: the commands, the script cache, busy scripts
 *     and SCRIPT/FUNCTION KILL; {@link io.cinnabar.server.internal.scripting.Functions}: libraries.</li>
 * </ul>
 * Layering: calls command, keyspace, config and propagation hooks; the network layer is reached through
 * {@code command.Connections}.
 */
package io.cinnabar.server.internal.scripting;
