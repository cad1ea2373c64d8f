package io.smack.localstack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * Loopback addresses and ports: node {@code i} of a cluster listens on 127.0.0.(i + 1), which Linux
 * serves without set-up, on the same ports as every other node; claiming free or given ports;
 * waiting for one to listen.
 */
public final class Ports {

  static final String HOST = "127.0.0.1";

  /** Attempts at finding free ports that are free on every node's address. */
  private static final int ATTEMPTS = 20;

  private Ports() {}

  /**
   * A port free on {@link #HOST} a moment ago, for a service or server started next (another
   * process may take it meanwhile, which that start then reports).
   */
  public static int free() {
    return claim(List.of(0), List.of("a free port")).get(0);
  }

  /** The loopback address of node {@code node} (0-based) of a cluster. */
  static String host(int node) {
    if (node < 0 || node > 250) {
      throw new IllegalArgumentException("node " + node + " has no loopback address");
    }
    return "127.0.0." + (node + 1);
  }

  /**
   * As {@link #claim(List, List)}, for {@code nodes} nodes that each listen on their own address
   * ({@link #host}) on the same ports: a port is taken only when it is free on all of them.
   */
  static List<Integer> claim(List<Integer> ports, List<String> purposes, int nodes) {
    for (int attempt = 1; ; attempt++) {
      List<Integer> claimed = claim(ports, purposes);
      try {
        for (int node = 1; node < nodes; node++) {
          claimOn(host(node), claimed, purposes);
        }
        return claimed;
      } catch (StackStartException taken) {
        // a port the OS picked on the first address is in use on another: pick again
        if (!ports.contains(0) || attempt == ATTEMPTS) {
          throw taken;
        }
      }
    }
  }

  /**
   * The ports themselves if they are free, or free ones where they are 0, all distinct: each is
   * held open until all are chosen, so that two zeros never get the same port. Fails naming who
   * wanted a port that is taken.
   *
   * @param purposes who each port is for, in the order of {@code ports}
   */
  static List<Integer> claim(List<Integer> ports, List<String> purposes) {
    return claimOn(HOST, ports, purposes);
  }

  private static List<Integer> claimOn(String host, List<Integer> ports, List<String> purposes) {
    List<ServerSocket> held = new ArrayList<>();
    try {
      List<Integer> claimed = new ArrayList<>();
      for (int i = 0; i < ports.size(); i++) {
        ServerSocket socket = bind(host, ports.get(i), purposes.get(i));
        held.add(socket);
        claimed.add(socket.getLocalPort());
      }
      return List.copyOf(claimed);
    } finally {
      for (ServerSocket socket : held) {
        try {
          socket.close();
        } catch (IOException e) {
          // closing a listening socket that accepted nothing cannot lose anything
        }
      }
    }
  }

  private static ServerSocket bind(String host, int port, String purpose) {
    try {
      ServerSocket socket = new ServerSocket();
      socket.setReuseAddress(true);
      try {
        socket.bind(new InetSocketAddress(host, port));
      } catch (IOException e) {
        socket.close();
        throw e;
      }
      return socket;
    } catch (IOException e) {
      throw new StackStartException(
          "port "
              + port
              + " for "
              + purpose
              + " is in use on "
              + host
              + ": is another local stack running? Stop it, or choose other ports"
              + " (bin/smack up --free-ports)",
          e);
    }
  }

  /** True when something accepts TCP connections on the port of {@link #HOST}. */
  static boolean listening(int port) {
    return listening(HOST, port);
  }

  /** True when something accepts TCP connections on the host's port. */
  static boolean listening(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
