// SPDX-License-Identifier: GPL-2.0
/*
 * A throwaway etcd for the unit tests (etcd_server.h): Debian's etcd on
 * free loopback ports with a temporary data dir, killed on every way out
 * (exit, a fatal signal, and our own death through PDEATHSIG).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include "etcd.h"
#include "etcd_server.h"

static volatile pid_t etcd_pid;
static char data_dir[256];
static char client_url[64];

long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* A pause between polls of a condition that has its own deadline. */
void pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000L };

	nanosleep(&ts, NULL);
}

static void kill_etcd(void)
{
	pid_t pid = etcd_pid;

	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		etcd_pid = 0;
	}
}

void etcd_server_stop(void)
{
	pid_t pid;

	kill_etcd();
	if (!data_dir[0])
		return;
	pid = fork();
	if (pid == 0) {
		execlp("rm", "rm", "-rf", data_dir, (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
	data_dir[0] = 0;
}

int etcd_server_signal(int sig)
{
	pid_t pid = etcd_pid;

	return pid > 0 ? kill(pid, sig) : -1;
}

/* Only async-signal-safe calls: kill, fork, execve, waitpid, raise. */
static void on_fatal_signal(int sig)
{
	char *argv[] = { "/bin/rm", "-rf", data_dir, NULL };
	char *envp[] = { NULL };
	pid_t pid;

	if (etcd_pid > 0) {
		kill(etcd_pid, SIGKILL);
		waitpid(etcd_pid, NULL, 0);
	}
	if (data_dir[0]) {
		pid = fork();
		if (pid == 0) {
			execve(argv[0], argv, envp);
			_exit(127);
		}
		if (pid > 0)
			waitpid(pid, NULL, 0);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

/* A socket bound to a free loopback port; listening if asked. */
int loopback_socket(int *port, bool listening)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(fd, (struct sockaddr *)&a, &len) ||
	    (listening && listen(fd, 8))) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*port = ntohs(a.sin_port);
	return fd;
}

static void print_log(void)
{
	char path[300], line[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/etcd.log", data_dir);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		printf("# etcd: %s", line);
	if (f)
		fclose(f);
}

static pid_t spawn_etcd(const char *etcd, int attempt, int client_port,
			int peer_port)
{
	char data[300], log[300], client[64], peer[64], cluster[80];
	pid_t pid;
	int fd;

	/* A fresh one each attempt: a failed start may leave a member. */
	snprintf(data, sizeof(data), "%s/data%d", data_dir, attempt);
	snprintf(log, sizeof(log), "%s/etcd.log", data_dir);
	snprintf(client, sizeof(client), "http://127.0.0.1:%d", client_port);
	snprintf(peer, sizeof(peer), "http://127.0.0.1:%d", peer_port);
	snprintf(cluster, sizeof(cluster), "t=%s", peer);
	snprintf(client_url, sizeof(client_url), "%s", client);
	pid = fork();
	if (pid)
		return pid;
	/* Dies with us, however we die. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
	}
	execl(etcd, etcd, "--name", "t", "--data-dir", data,
	      "--listen-client-urls", client, "--advertise-client-urls", client,
	      "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
	      "--initial-cluster", cluster, "--logger", "zap",
	      "--log-level", "warn", (char *)NULL);
	_exit(127);
}

/*
 * etcd on free ports, answering through the gateway. The ports are free
 * when picked, not reserved: if etcd exits (one was taken meanwhile), it
 * is tried again on others.
 */
static int start_on_free_ports(const char *etcd, long long deadline)
{
	int attempt, cport, pport, fd1, fd2, status;
	const char *ep = client_url;
	struct etcd_client *c;
	struct etcd_kvs r;
	char err[256];

	for (attempt = 0; attempt < 3 && now_ms() < deadline; attempt++) {
		fd1 = loopback_socket(&cport, false);
		fd2 = loopback_socket(&pport, false);
		close(fd1);
		close(fd2);
		if (fd1 < 0 || fd2 < 0)
			return -1;
		etcd_pid = spawn_etcd(etcd, attempt, cport, pport);
		if (etcd_pid < 0)
			return -1;
		c = etcd_client_new(&ep, 1, 1000, 500, err, sizeof(err));
		if (!c)
			return -1;
		while (now_ms() < deadline) {
			if (waitpid(etcd_pid, &status, WNOHANG) == etcd_pid) {
				printf("# etcd exited (status %d), again\n",
				       status);
				etcd_pid = 0;
				break;
			}
			if (etcd_get(c, "/ready", false, &r) == ETCD_OK) {
				etcd_kvs_free(&r);
				etcd_client_free(c);
				return 0;
			}
			pause_ms(100);
		}
		etcd_client_free(c);
		kill_etcd();
	}
	return -1;
}

int etcd_server_start(const char *etcd, long deadline_ms, char *url,
		      size_t url_len)
{
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGABRT, SIGSEGV,
		       SIGBUS };

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], on_fatal_signal);
	snprintf(data_dir, sizeof(data_dir), "%s/jumping-etcd-XXXXXX", tmp);
	if (!mkdtemp(data_dir)) {
		printf("# %s: %s\n", data_dir, strerror(errno));
		data_dir[0] = 0;
		return -1;
	}
	atexit(etcd_server_stop);
	if (start_on_free_ports(etcd, now_ms() + deadline_ms)) {
		print_log();
		return -1;
	}
	snprintf(url, url_len, "%s", client_url);
	return 0;
}
