// A tiny N-API addon whose async work, like napi-rs's, has a promise for its resource and no
// resource name (undefined): async_hooks then reports the type "undefined".
#define NAPI_VERSION 8
#include <node_api.h>
#include <stdlib.h>

typedef struct {
  napi_async_work work;
  napi_deferred deferred;
} Task;

static void Execute(napi_env env, void* data) {
  (void)env;
  (void)data;
}

static void Complete(napi_env env, napi_status status, void* data) {
  Task* task = (Task*)data;
  napi_value undefined;
  (void)status;
  napi_get_undefined(env, &undefined);
  napi_resolve_deferred(env, task->deferred, undefined);
  napi_delete_async_work(env, task->work);
  free(task);
}

// work(): a promise resolved once the async work ran on the libuv threadpool.
static napi_value Work(napi_env env, napi_callback_info info) {
  Task* task = (Task*)malloc(sizeof(Task));
  napi_value promise;
  napi_value name;
  (void)info;
  napi_create_promise(env, &task->deferred, &promise);
  napi_get_undefined(env, &name);
  napi_create_async_work(env, promise, name, Execute, Complete, task, &task->work);
  napi_queue_async_work(env, task->work);
  return promise;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "work", NAPI_AUTO_LENGTH, Work, NULL, &fn);
  napi_set_named_property(env, exports, "work", fn);
  return exports;
}
