package io.cinnabar.server.internal.acl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ACL file (Redis 7.2's ACLLoadFromFile / ACLSaveToFile): one {@code user <name> <rules...>} line per user,
 * arguments separated by single spaces (no quoting: the rules never contain spaces). Loading validates the whole
 * file into a new set of users and only then replaces the current one, so a file with an error changes nothing;
 * every problem found is reported in one line. Saving writes a temporary file and renames it over the old one.
 * <p><b>Note:</b> This class is not threadsafe (stateless).
 */
final class AclFile {
    private AclFile() {
    }

    /**
     * The aclfile option as a path: a relative name is relative to {@code dir}, as in Redis, whose working directory
     * is {@code dir} from the moment the configuration set it (the error texts keep the name as configured).
     */
    static Path inDir(Acl acl, String filename) {
        return Path.of(acl.server.config.get("dir")).resolve(filename);
    }

    /** Loads the file into acl; returns null on success, else Redis's error text (nothing changed). */
    static String load(Acl acl, String filename) {
        String text;
        try {
            text = new String(Files.readAllBytes(inDir(acl, filename)), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "Error loading ACLs, opening file '" + filename + "': " + strerror(e);
        }
        StringBuilder errors = new StringBuilder();
        TreeMap<String, AclUser> loaded = new TreeMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int linenum = i + 1;
            String line = trim(lines[i], " \t\r\n");
            if (line.isEmpty()) {
                continue;
            }
            List<String> argv = new ArrayList<>(Arrays.asList(line.split(" ", -1)));
            if (!argv.get(0).equals("user") || argv.size() < 2) {
                errors.append(filename).append(':').append(linenum)
                    .append(" should start with user keyword followed by the username. ");
                continue;
            }
            String name = argv.get(1);
            if (Acl.hasSpaces(name)) {
                errors.append("'").append(filename).append(':').append(linenum).append(": username '").append(name)
                    .append("' contains invalid characters. ");
                continue;
            }
            if (loaded.containsKey(name)) {
                errors.append("WARNING: Duplicate user '").append(name).append("' found on line ").append(linenum)
                    .append(". ");
                continue;
            }
            AclUser u = acl.newUser(name);
            loaded.put(name, u);
            List<String> ops = Acl.mergeSelectors(argv.subList(2, argv.size()));
            if (ops == null) {
                errors.append(filename).append(':').append(linenum)
                    .append(": Unmatched parenthesis in selector definition.");
                continue;
            }
            boolean syntaxError = false;
            for (String op : ops) {
                String o = trim(op, "\t\r\n");
                try {
                    u.set(o);
                } catch (Selector.RuleException e) {
                    if (e.error == Selector.Error.ENOENT) {
                        errors.append(filename).append(':').append(linenum).append(": Error in applying operation '")
                            .append(o).append("': ").append(e.error.text).append(". ");
                    } else if (!syntaxError) {
                        errors.append(filename).append(':').append(linenum).append(": ").append(e.error.text)
                            .append(". ");
                        syntaxError = true;
                    }
                }
            }
        }
        if (errors.length() > 0) {
            return errors.append("WARNING: ACL errors detected, no change to the previously active ACL rules was "
                + "performed").toString();
        }
        AclUser newDefault = loaded.get("default");
        if (newDefault == null) {
            newDefault = acl.newUser("default");
            try {
                for (String op : List.of("+@all", "~*", "&*", "on", "nopass")) {
                    newDefault.set(op);
                }
            } catch (Selector.RuleException e) {
                throw new IllegalStateException(e);
            }
        }
        acl.defaultUser.copyFrom(newDefault);
        loaded.put("default", acl.defaultUser);
        TreeMap<String, AclUser> old = acl.users;
        acl.users = loaded;
        for (Map.Entry<String, AclUser> e : old.entrySet()) {
            if (e.getValue() != acl.defaultUser) {
                acl.dropClients(e.getValue());
            }
        }
        acl.defaultUserChanged();
        return null;
    }

    /** Writes every user to the file; false (and a warning in the log) on an I/O error. */
    static boolean save(Acl acl, String filename) {
        StringBuilder b = new StringBuilder();
        for (AclUser u : acl.users.values()) {
            b.append("user ").append(u.name).append(' ').append(u.describe()).append('\n');
        }
        Path target = inDir(acl, filename);
        Path tmp = inDir(acl, filename + ".tmp-" + ProcessHandle.current().pid() + "-" + System.currentTimeMillis());
        try {
            Files.write(tmp, b.toString().getBytes(StandardCharsets.ISO_8859_1));
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (IOException e) {
            acl.server.log.warning("Writing ACL file for ACL SAVE: " + strerror(e));
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the temporary file could not be created either
            }
            return false;
        }
    }

    private static String strerror(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "Permission denied";
        }
        return String.valueOf(e.getMessage());
    }

    /** sdstrim: removes the characters of cset from both ends. */
    static String trim(String s, String cset) {
        int a = 0;
        int z = s.length();
        while (a < z && cset.indexOf(s.charAt(a)) >= 0) {
            a++;
        }
        while (z > a && cset.indexOf(s.charAt(z - 1)) >= 0) {
            z--;
        }
        return s.substring(a, z);
    }
}
