package dev.emu.emulator.gdb;

import dev.emu.emulator.unicorn.UnicornDebug;
import dev.emu.emulator.unicorn.UnicornDebug.Kind;
import dev.emu.emulator.unicorn.UnicornDebug.Stop;
import dev.emu.kernel.Kernel;
import dev.emu.kernel.platform.AddressSpace;
import dev.emu.kernel.platform.BadAddressException;
import dev.emu.kernel.platform.Cpu;
import dev.emu.kernel.task.GuestProcess;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.task.TaskState;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A gdb remote stub for the guest: serves the GDB Remote Serial Protocol on 127.0.0.1 (all-stop
 * mode, one connection at a time).
 *
 * <p>Threading: a reader thread per connection parses packets into a queue, and turns the
 * interrupt byte into {@link UnicornDebug#interrupt()} while the guest runs. Commands are
 * executed on the emulation thread, inside {@link #onStop}, while the guest is stopped — so
 * registers and memory are read with nothing running, and the kernel needs no locking. The guest
 * resumes when a resume command ({@code c}, {@code s}, {@code vCont}, {@code D}, {@code k})
 * returns from {@link #onStop}.
 *
 * <p>A malformed packet gets {@code E01} (or the empty reply for an unknown command); nothing a
 * client sends ends the emulator except {@code k}.
 */
public final class GdbStub implements UnicornDebug.Listener, AutoCloseable {
    /** gdb's PacketSize: the largest packet we accept (hex; 16 KiB). */
    private static final int PACKET_SIZE = 0x4000;
    private static final String EOF = new String("<eof>");
    private static final int SIGTRAP = 5;
    private static final int SIGINT = 2;

    private final Kernel kernel;
    private final UnicornDebug debug;
    private final ServerSocket server;
    private final PrintStream log;
    private volatile Connection conn;
    /** The guest is running: an interrupt byte stops it. */
    private volatile boolean guestRunning = true;
    private volatile boolean attachPending;
    private String lastStop = "S05";
    private Task stopped;
    private Task selected;
    private boolean killed;

    private final class Connection {
        final Socket socket;
        final Rsp rsp;
        final BlockingQueue<String> inbox = new LinkedBlockingQueue<>();

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            socket.setTcpNoDelay(true);
            this.rsp = new Rsp(socket.getInputStream(), socket.getOutputStream());
            Thread.ofPlatform().daemon().name("gdb-reader").start(this::readLoop);
        }

        private void readLoop() {
            try {
                String p;
                while ((p = rsp.read()) != null) {
                    if (p == Rsp.INTERRUPT) {
                        if (guestRunning) {
                            debug.interrupt();
                        }
                        continue;
                    }
                    inbox.add(p);
                }
            } catch (IOException e) {
                // the client went away: same as end of stream
            }
            inbox.add(EOF);
            if (guestRunning && conn == this) {
                disconnect(this); // gdb vanished while the guest ran: it runs on undebugged
            }
        }

        void send(String payload) {
            try {
                rsp.send(payload);
            } catch (IOException e) {
                // the reader sees the closed socket and ends the session
            }
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private GdbStub(Kernel kernel, UnicornDebug debug, ServerSocket server, PrintStream log) {
        this.kernel = kernel;
        this.debug = debug;
        this.server = server;
        this.log = log;
        debug.setListener(this);
    }

    /**
     * Listens on 127.0.0.1:{@code port} (0: any free port, see {@link #port()}).
     *
     * @param log where "waiting for gdb" and connection notes go (stderr)
     */
    public static GdbStub listen(Kernel kernel, UnicornDebug debug, int port, PrintStream log) throws IOException {
        // An AF_INET socket, not Java's default dual-stack AF_INET6 one bound to ::ffff:127.0.0.1:
        // under gVisor, IPv4 clients (gdb) intermittently fail to connect to the latter.
        java.nio.channels.ServerSocketChannel ch = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.INET);
        ch.bind(new java.net.InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port), 8);
        return new GdbStub(kernel, debug, ch.socket(), log);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Blocks until gdb connects; the guest then stops before its next instruction. */
    public void waitForDebugger() throws IOException {
        // Accept on another thread that is already blocked in accept() when we announce the
        // port: under gVisor a connection that arrives before accept() is called sometimes never
        // completes on the client's side (gdb then reports "Connection timed out").
        java.util.concurrent.CompletableFuture<Socket> accepted = new java.util.concurrent.CompletableFuture<>();
        Thread.ofPlatform().daemon().name("gdb-accept").start(() -> {
            try {
                accepted.complete(server.accept());
            } catch (IOException e) {
                accepted.completeExceptionally(e);
            }
        });
        try {
            Thread.sleep(200);
            log.println("emu: waiting for gdb on 127.0.0.1:" + port() + " (target remote :" + port() + ")");
            attach(accepted.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for gdb", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    /** Accepts gdb whenever it connects, on a background thread, stopping the running guest. */
    public void acceptInBackground() {
        log.println("emu: gdb stub listening on 127.0.0.1:" + port());
        Thread.ofPlatform().daemon().name("gdb-accept").start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    if (conn != null) {
                        s.close(); // one debugger at a time
                        continue;
                    }
                    attach(s);
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    private void attach(Socket s) throws IOException {
        attachPending = true;
        conn = new Connection(s);
        debug.interrupt();
    }

    private void disconnect(Connection c) {
        debug.clearAll();
        debug.clearStopRequest();
        if (conn == c) {
            conn = null;
        }
        c.close();
    }

    /** Whether gdb killed the guest (`kill`, the k packet). */
    public boolean killed() {
        return killed;
    }

    /** Reports the end of the guest to gdb ({@code W}/{@code X}) and drops the connection. */
    public void guestExited(int waitStatus) {
        Connection c = conn;
        if (c == null || killed) {
            return;
        }
        int sig = waitStatus & 0x7f;
        c.send(sig == 0 ? String.format("W%02x", (waitStatus >> 8) & 0xff) : String.format("X%02x", sig));
        conn = null;
        c.close();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // nothing to do
        }
        Connection c = conn;
        if (c != null) {
            c.close();
        }
    }

    // ---- stops ---------------------------------------------------------------------------------

    @Override
    public void onStop(Stop stop) {
        Connection c = conn;
        if (c == null) {
            return;
        }
        guestRunning = false;
        stopped = taskOf(stop.cpu());
        selected = stopped;
        lastStop = stopReply(stop);
        if (attachPending) {
            attachPending = false; // gdb asks with '?'
            debug.clearStopRequest();
        } else {
            c.send(lastStop);
        }
        try {
            serve(c);
        } finally {
            guestRunning = true;
        }
    }

    private String stopReply(Stop s) {
        int sig = switch (s.kind()) {
            case SIGNAL -> s.signal();
            case INTERRUPT -> attachPending ? SIGTRAP : SIGINT;
            default -> SIGTRAP;
        };
        StringBuilder sb = new StringBuilder(String.format("T%02x", sig));
        switch (s.kind()) {
            case BREAKPOINT -> sb.append("swbreak:;");
            case WATCH_WRITE -> sb.append("watch:").append(Long.toHexString(s.dataAddress())).append(';');
            case WATCH_READ -> sb.append("rwatch:").append(Long.toHexString(s.dataAddress())).append(';');
            case WATCH_ACCESS -> sb.append("awatch:").append(Long.toHexString(s.dataAddress())).append(';');
            case SYSCALL_ENTRY -> sb.append("syscall_entry:").append(Integer.toHexString(s.syscall())).append(';');
            case SYSCALL_RETURN -> sb.append("syscall_return:").append(Integer.toHexString(s.syscall())).append(';');
            default -> { }
        }
        if (stopped != null) {
            sb.append("thread:").append(Integer.toHexString(stopped.tid())).append(';');
        }
        return sb.toString();
    }

    private Task taskOf(Cpu cpu) {
        for (Task t : liveTasks()) {
            if (t.cpu() == cpu) {
                return t;
            }
        }
        return kernel.current();
    }

    private List<Task> liveTasks() {
        List<Task> out = new ArrayList<>();
        for (GuestProcess p : kernel.processes()) {
            for (Task t : p.threads()) {
                if (t.state() != TaskState.EXITED) {
                    out.add(t);
                }
            }
        }
        return out;
    }

    /** Serves commands until one resumes the guest. */
    private void serve(Connection c) {
        while (true) {
            String p;
            try {
                p = c.inbox.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                disconnect(c);
                return;
            }
            if (p == EOF) {
                disconnect(c);
                return;
            }
            String reply;
            try {
                reply = handle(c, p);
            } catch (RuntimeException e) {
                reply = "E01"; // malformed arguments, a register or address we cannot serve
            }
            if (reply == RESUME) {
                return;
            }
            if (reply != null) {
                c.send(reply);
            }
        }
    }

    /** Marker returned by {@link #handle}: the guest resumes. */
    private static final String RESUME = new String("<resume>");

    /** Executes one packet; returns the reply, null for none, or {@link #RESUME}. */
    String handle(Connection c, String p) {
        if (p.isEmpty()) {
            return "";
        }
        char cmd = p.charAt(0);
        String args = p.substring(1);
        return switch (cmd) {
            case '?' -> lastStop;
            case 'g' -> readAllRegisters();
            case 'G' -> writeAllRegisters(args);
            case 'p' -> Rsp.hex(Registers.read(debug, selectedCpu(), regnum(args)));
            case 'P' -> writeRegister(args);
            case 'm' -> readMemory(args);
            case 'M' -> writeMemory(args, false);
            case 'X' -> writeMemory(args, true);
            case 'Z' -> breakpoint(args, true);
            case 'z' -> breakpoint(args, false);
            case 'c', 'C' -> resume(false);
            case 's', 'S' -> resume(true);
            case 'k' -> kill(c);
            case 'D' -> {
                c.send("OK");
                disconnect(c);
                yield RESUME;
            }
            case 'H' -> selectThread(args);
            case 'T' -> threadAlive(args);
            case 'q' -> query(args);
            case 'Q' -> set(c, args);
            case 'v' -> vPacket(c, p);
            default -> "";
        };
    }

    private String resume(boolean step) {
        if (step) {
            debug.stepOnResume();
        } else {
            debug.clearStopRequest();
        }
        return RESUME;
    }

    private String kill(Connection c) {
        killed = true;
        debug.kill();
        disconnect(c);
        return RESUME;
    }

    private Cpu selectedCpu() {
        Task t = selected != null && selected.state() != TaskState.EXITED ? selected : stopped;
        if (t == null) {
            throw new IllegalStateException("no thread");
        }
        return t.cpu();
    }

    private AddressSpace selectedMemory() {
        Task t = selected != null && selected.state() != TaskState.EXITED ? selected : stopped;
        if (t == null) {
            throw new IllegalStateException("no thread");
        }
        return t.memory();
    }

    private static int regnum(String s) {
        int n = (int) Rsp.parseHex(s);
        if (n < 0 || n >= Registers.ALL.size()) {
            throw new IllegalArgumentException("no register " + s);
        }
        return n;
    }

    private String readAllRegisters() {
        Cpu cpu = selectedCpu();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Registers.ALL.size(); i++) {
            sb.append(Rsp.hex(Registers.read(debug, cpu, i)));
        }
        return sb.toString();
    }

    private String writeAllRegisters(String hex) {
        byte[] all = Rsp.unhex(hex);
        Cpu cpu = selectedCpu();
        int off = 0;
        for (int i = 0; i < Registers.ALL.size() && off < all.length; i++) {
            int size = Registers.ALL.get(i).size();
            if (off + size > all.length) {
                return "E01";
            }
            byte[] v = java.util.Arrays.copyOfRange(all, off, off + size);
            off += size;
            if (i < 16 || i == 16 || i == 17 || i >= 24 && i < Registers.ORIG_RAX) {
                Registers.write(debug, cpu, i, v);
            }
        }
        return "OK";
    }

    private String writeRegister(String args) {
        int eq = args.indexOf('=');
        if (eq < 0) {
            return "E01";
        }
        Registers.write(debug, selectedCpu(), regnum(args.substring(0, eq)), Rsp.unhex(args.substring(eq + 1)));
        return "OK";
    }

    private String readMemory(String args) {
        int comma = args.indexOf(',');
        long addr = Rsp.parseHex(args.substring(0, comma));
        int len = (int) Math.min(Rsp.parseHex(args.substring(comma + 1)), PACKET_SIZE / 2 - 16);
        AddressSpace mem = selectedMemory();
        byte[] buf = new byte[len];
        try {
            mem.read(addr, buf, 0, len);
            return Rsp.hex(buf);
        } catch (BadAddressException e) {
            // A partial read up to the first unmapped byte, as gdbserver does.
            int ok = (int) Math.max(0, Math.min(len, e.address() - addr));
            if (ok == 0) {
                return "E14"; // EFAULT
            }
            try {
                mem.read(addr, buf, 0, ok);
            } catch (BadAddressException again) {
                return "E14";
            }
            return Rsp.hex(buf, 0, ok);
        }
    }

    private String writeMemory(String args, boolean binary) {
        int comma = args.indexOf(',');
        int colon = args.indexOf(':');
        if (comma < 0 || colon < comma) {
            return "E01";
        }
        long addr = Rsp.parseHex(args.substring(0, comma));
        int len = (int) Rsp.parseHex(args.substring(comma + 1, colon));
        String data = args.substring(colon + 1);
        byte[] bytes = binary ? Rsp.unescape(data) : Rsp.unhex(data);
        if (bytes.length != len) {
            return "E01";
        }
        try {
            selectedMemory().write(addr, bytes);
        } catch (BadAddressException e) {
            return "E14";
        }
        return "OK";
    }

    /** Z/z type,addr,kind: 0/1 breakpoints, 2 write, 3 read, 4 access watchpoints. */
    private String breakpoint(String args, boolean insert) {
        String[] f = args.split("[,;]");
        if (f.length < 3) {
            return "E01";
        }
        int type = (int) Rsp.parseHex(f[0]);
        long addr = Rsp.parseHex(f[1]);
        long len = Rsp.parseHex(f[2]);
        switch (type) {
            case 0, 1 -> {
                if (insert) {
                    return debug.addBreakpoint(addr) ? "OK" : "E01";
                }
                debug.removeBreakpoint(addr);
                return "OK";
            }
            case 2, 3, 4 -> {
                Kind k = type == 2 ? Kind.WATCH_WRITE : type == 3 ? Kind.WATCH_READ : Kind.WATCH_ACCESS;
                if (insert) {
                    return debug.addWatchpoint(k, addr, len) ? "OK" : "E01";
                }
                debug.removeWatchpoint(k, addr, len);
                return "OK";
            }
            default -> {
                return "";
            }
        }
    }

    private Task threadById(String id) {
        long tid = id.equals("-1") ? -1 : Rsp.parseHex(id);
        if (tid == 0 || tid == -1) {
            return stopped;
        }
        for (Task t : liveTasks()) {
            if (t.tid() == tid) {
                return t;
            }
        }
        return null;
    }

    private String selectThread(String args) {
        if (args.isEmpty()) {
            return "E01";
        }
        Task t = threadById(args.substring(1));
        if (t == null) {
            return "E01";
        }
        if (args.charAt(0) == 'g') {
            selected = t;
        }
        return "OK"; // Hc: all-stop resumes every thread anyway
    }

    private String threadAlive(String args) {
        return threadById(args) != null ? "OK" : "E01";
    }

    private String query(String q) {
        if (q.startsWith("Supported")) {
            return "PacketSize=" + Integer.toHexString(PACKET_SIZE)
                    + ";qXfer:features:read+;swbreak+;QStartNoAckMode+;QCatchSyscalls+;vContSupported+";
        }
        if (q.startsWith("Xfer:features:read:")) {
            String[] f = q.substring("Xfer:features:read:".length()).split(":");
            if (f.length != 2 || !f[0].equals("target.xml")) {
                return "E00";
            }
            String[] range = f[1].split(",");
            int off = (int) Rsp.parseHex(range[0]);
            int len = (int) Rsp.parseHex(range[1]);
            String xml = Registers.targetXml();
            if (off >= xml.length()) {
                return "l";
            }
            int end = (int) Math.min(xml.length(), (long) off + len);
            return (end == xml.length() ? "l" : "m") + Rsp.escape(xml.substring(off, end));
        }
        if (q.equals("fThreadInfo")) {
            StringBuilder sb = new StringBuilder("m");
            for (Task t : liveTasks()) {
                sb.append(sb.length() > 1 ? "," : "").append(Integer.toHexString(t.tid()));
            }
            return sb.length() > 1 ? sb.toString() : "l";
        }
        if (q.equals("sThreadInfo")) {
            return "l";
        }
        if (q.equals("C")) {
            return stopped == null ? "" : "QC" + Integer.toHexString(stopped.tid());
        }
        if (q.startsWith("ThreadExtraInfo,")) {
            Task t = threadById(q.substring("ThreadExtraInfo,".length()));
            if (t == null) {
                return "E01";
            }
            String info = t.comm() + " (" + t.state().name().toLowerCase() + ")";
            return Rsp.hex(info.getBytes(StandardCharsets.UTF_8));
        }
        if (q.equals("Attached")) {
            return "1";
        }
        if (q.startsWith("Symbol")) {
            return "OK";
        }
        return "";
    }

    private String set(Connection c, String q) {
        if (q.equals("StartNoAckMode")) {
            c.send("OK");
            c.rsp.setNoAck(true);
            return null;
        }
        if (q.startsWith("CatchSyscalls:")) {
            String[] f = q.substring("CatchSyscalls:".length()).split(";");
            if (f[0].equals("0")) {
                debug.catchSyscalls(false, null);
                return "OK";
            }
            if (!f[0].equals("1")) {
                return "E01";
            }
            Set<Integer> nrs = new LinkedHashSet<>();
            for (int i = 1; i < f.length; i++) {
                nrs.add((int) Rsp.parseHex(f[i]));
            }
            debug.catchSyscalls(true, nrs);
            return "OK";
        }
        return "";
    }

    private String vPacket(Connection c, String p) {
        if (p.equals("vCont?")) {
            return "vCont;c;C;s;S";
        }
        if (p.startsWith("vCont;")) {
            // All-stop: a step action for any thread makes this a step; otherwise continue.
            boolean step = false;
            for (String action : p.substring("vCont;".length()).split(";")) {
                if (action.isEmpty()) {
                    return "E01";
                }
                char a = action.charAt(0);
                if (a == 's' || a == 'S') {
                    step = true;
                } else if (a != 'c' && a != 'C') {
                    return "E01";
                }
            }
            return resume(step);
        }
        if (p.startsWith("vKill")) {
            c.send("OK");
            return kill(c);
        }
        return "";
    }

    @Override
    public String toString() {
        return "GdbStub{port=" + port() + ", connected=" + (conn != null) + ", lastStop=" + lastStop + ", " + debug + "}";
    }
}
