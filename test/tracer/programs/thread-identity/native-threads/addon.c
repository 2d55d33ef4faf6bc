// An N-API addon with threads of its own, as libvips has: startThreads(n, ms) starts n
// pthreads that spin `ms` each, joinThreads() waits for them and returns their tids; work(ms)
// spins `ms` on libuv's threadpool (N-API async work) and resolves to the tid it ran on.
#define NAPI_VERSION 8
#define _GNU_SOURCE
#include <node_api.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MAX_THREADS 16

static pthread_t threads[MAX_THREADS];
static long thread_tids[MAX_THREADS];
static int thread_count = 0;
static int spin_ms = 0;

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void spin(int ms) {
  double end = now_ms() + ms;
  volatile unsigned long x = 0;
  while (now_ms() < end) {
    x++;
  }
}

static void* ThreadMain(void* arg) {
  long* tid = (long*)arg;
  *tid = syscall(SYS_gettid);
  spin(spin_ms);
  return NULL;
}

static napi_value StartThreads(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int32_t n = 0;
  int32_t ms = 0;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  napi_get_value_int32(env, argv[0], &n);
  napi_get_value_int32(env, argv[1], &ms);
  spin_ms = ms;
  for (int i = 0; i < n && thread_count < MAX_THREADS; i++, thread_count++) {
    pthread_create(&threads[thread_count], NULL, ThreadMain, &thread_tids[thread_count]);
  }
  return NULL;
}

static napi_value JoinThreads(napi_env env, napi_callback_info info) {
  napi_value out;
  (void)info;
  napi_create_array(env, &out);
  for (int i = 0; i < thread_count; i++) {
    napi_value tid;
    pthread_join(threads[i], NULL);
    napi_create_int64(env, thread_tids[i], &tid);
    napi_set_element(env, out, i, tid);
  }
  thread_count = 0;
  return out;
}

typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  int ms;
  long tid;
} Task;

static void Execute(napi_env env, void* data) {
  Task* task = (Task*)data;
  (void)env;
  task->tid = syscall(SYS_gettid);
  spin(task->ms);
}

static void Complete(napi_env env, napi_status status, void* data) {
  Task* task = (Task*)data;
  napi_value tid;
  (void)status;
  napi_create_int64(env, task->tid, &tid);
  napi_resolve_deferred(env, task->deferred, tid);
  napi_delete_async_work(env, task->work);
  free(task);
}

static napi_value Work(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_value promise;
  napi_value name;
  Task* task = (Task*)calloc(1, sizeof(Task));
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  napi_get_value_int32(env, argv[0], &task->ms);
  napi_create_promise(env, &task->deferred, &promise);
  napi_create_string_utf8(env, "spin:AsyncWorker", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, NULL, name, Execute, Complete, task, &task->work);
  napi_queue_async_work(env, task->work);
  return promise;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "startThreads", NAPI_AUTO_LENGTH, StartThreads, NULL, &fn);
  napi_set_named_property(env, exports, "startThreads", fn);
  napi_create_function(env, "joinThreads", NAPI_AUTO_LENGTH, JoinThreads, NULL, &fn);
  napi_set_named_property(env, exports, "joinThreads", fn);
  napi_create_function(env, "work", NAPI_AUTO_LENGTH, Work, NULL, &fn);
  napi_set_named_property(env, exports, "work", fn);
  return exports;
}
