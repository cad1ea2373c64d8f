package io.smack.localstack;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Slow clients as the slowloris attack makes them, for the tests of what a balancer does about
 * them: {@code connections} connections from one source address, each sending an HTTP request's
 * headers one byte a second and never ending them, each opened again (at most once a second) when
 * the server closes it. Counts what the server did to them: connections it accepted, refused
 * (closed or reset before the client's first byte: a connection limit), closed later without an
 * answer, or answered {@code 408} (a request timeout).
 *
 * <p>One thread over non-blocking channels, so that thousands of connections cost one thread. Uses
 * the JDK only.
 */
public final class SlowClients implements AutoCloseable {

  /** Headers that never end: a request line, then one header line after another. */
  private static final byte[] HEADERS =
      ("GET /symbols HTTP/1.1\r\nHost: localhost\r\n" + "X-Slow: a-byte-a-second\r\n".repeat(64))
          .getBytes(StandardCharsets.US_ASCII);

  private final InetAddress source;
  private final InetSocketAddress target;
  private final Slot[] slots;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicLong connected = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong tried = new AtomicLong();
  private final AtomicLong closed = new AtomicLong();
  private final AtomicLong timedOut = new AtomicLong();
  private final AtomicLong failedToOpen = new AtomicLong();
  private final Thread thread;

  private SlowClients(InetAddress source, InetSocketAddress target, int connections) {
    this.source = source;
    this.target = target;
    this.slots = new Slot[connections];
    for (int i = 0; i < connections; i++) {
      slots[i] = new Slot();
    }
    this.thread = new Thread(this::run, "slow-clients");
    thread.setDaemon(true);
  }

  /** Starts {@code connections} slow clients from {@code source} (e.g. 127.0.0.9) to target. */
  public static SlowClients start(String source, InetSocketAddress target, int connections)
      throws IOException {
    SlowClients clients = new SlowClients(InetAddress.getByName(source), target, connections);
    clients.thread.start();
    return clients;
  }

  private void run() {
    ByteBuffer answer = ByteBuffer.allocate(64);
    while (running.get()) {
      long tick = System.nanoTime();
      for (Slot slot : slots) {
        if (!running.get()) {
          return;
        }
        step(slot, tick, answer);
      }
      long left = TimeUnit.SECONDS.toNanos(1) - (System.nanoTime() - tick);
      if (left > 0) {
        try {
          TimeUnit.NANOSECONDS.sleep(left);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /** One second of one client: open it when due, finish its connect, or send its next byte. */
  private void step(Slot slot, long now, ByteBuffer answer) {
    try {
      if (slot.channel == null) {
        if (now >= slot.openAfter) {
          tried.incrementAndGet();
          if (slot.open(source, target)) {
            connected.incrementAndGet();
          }
        }
        return;
      }
      if (!slot.channel.isConnected()) {
        if (slot.channel.finishConnect()) {
          connected.incrementAndGet();
        }
        return;
      }
      answer.clear();
      int read = slot.channel.read(answer);
      if (read < 0) {
        slot.drop(now, slot.sent == 0 ? refused : closed);
        return;
      }
      if (read > 0) {
        String status = new String(answer.array(), 0, answer.position(), StandardCharsets.US_ASCII);
        slot.drop(now, status.startsWith("HTTP/1.1 408") ? timedOut : closed);
        return;
      }
      slot.channel.write(ByteBuffer.wrap(HEADERS, slot.sent % HEADERS.length, 1));
      slot.sent++;
    } catch (IOException e) {
      // refused or reset by the server, or this JVM out of file descriptors: gone all the same
      // (a channel whose connect failed has closed itself)
      if (!slot.connecting) {
        slot.drop(now, failedToOpen);
      } else {
        slot.drop(now, slot.sent == 0 ? refused : closed);
      }
    }
  }

  /**
   * What the slow clients keep others from, if anything: a user's GET of {@code path} on a
   * connection of its own (as each new user's is: a connection kept alive from before the attack
   * would not meet it), closed after the answer. Its status, or "none" when no answer came within
   * {@code timeout}.
   */
  public static String statusOnNewConnection(
      InetSocketAddress target, String path, Duration timeout) {
    try (Socket socket = new Socket()) {
      socket.connect(target, (int) timeout.toMillis());
      socket.setSoTimeout((int) timeout.toMillis());
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String statusLine =
          new BufferedReader(
                  new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
              .readLine();
      return statusLine == null ? "none" : statusLine.split(" ")[1];
    } catch (IOException e) {
      return "none";
    }
  }

  /** Connections the server's host accepted so far (before the server had a say). */
  public long connected() {
    return connected.get();
  }

  /**
   * Connections the server refused, closed or reset before the client's first byte: a connection
   * limit's work.
   */
  public long refused() {
    return refused.get();
  }

  /** Connections the server closed or reset later, without an answer. */
  public long closed() {
    return closed.get();
  }

  /** Connections the server answered with 408 Request Timeout. */
  public long timedOut() {
    return timedOut.get();
  }

  /** Connections this side could not open (no file descriptor or port left). */
  public long failedToOpen() {
    return failedToOpen.get();
  }

  /** Connections tried so far, whatever became of them. */
  public long tried() {
    return tried.get();
  }

  /**
   * "2500 slow connections from 127.0.0.9: 200 accepted, 9600 refused, 0 closed unanswered, 100
   * answered 408, 0 not opened".
   */
  public String summary() {
    return String.format(
        "%d slow connections from %s: %d accepted, %d refused, %d closed unanswered,"
            + " %d answered 408, %d not opened",
        slots.length,
        source.getHostAddress(),
        connected(),
        refused(),
        closed(),
        timedOut(),
        failedToOpen());
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    thread.join(TimeUnit.SECONDS.toMillis(30));
    for (Slot slot : slots) {
      slot.close();
    }
  }

  /** One slow client's connection, and when it may be opened again. */
  private static final class Slot {
    SocketChannel channel;
    boolean connecting;
    int sent;
    long openAfter;

    /** Opens the connection: true if it connected at once (loopback often does). */
    boolean open(InetAddress source, InetSocketAddress target) throws IOException {
      connecting = false;
      sent = 0;
      channel = SocketChannel.open();
      channel.configureBlocking(false);
      channel.bind(new InetSocketAddress(source, 0));
      connecting = true;
      return channel.connect(target);
    }

    /** Counts the connection's end, closes it, and opens it again no sooner than a second on. */
    void drop(long now, AtomicLong counter) {
      counter.incrementAndGet();
      close();
      openAfter = now + TimeUnit.SECONDS.toNanos(1);
    }

    void close() {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException ignored) {
          // closing a connection the server already dropped
        }
        channel = null;
      }
    }
  }
}
