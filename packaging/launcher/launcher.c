/* CA Desk launcher: cadesk.exe (windowed) and cadesk-admin.exe (console).
 *
 * It loads the embedded CPython from runtime\python311.dll beside itself and runs one module
 * through Py_Main, so the process the user sees is cadesk.exe with our icon and version
 * resource, and sys.executable is this file. Python finds its library through
 * runtime\python311._pth, which also shuts out PYTHONHOME/PYTHONPATH from other Pythons on
 * the office PC.
 *
 * Built by packaging/winbuild.py with mingw-w64, once per program:
 *   -DCADESK_MODULE=L"ui.app" -mwindows   or   -DCADESK_MODULE=L"desk.cli" (console)
 * Arguments are passed on; "-m NAME ..." as the first arguments runs that module instead,
 * as `python -m` would (the benchmarks start child processes as sys.executable -m ...).
 */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <shellapi.h>
#include <stdlib.h>
#include <wchar.h>

#ifndef CADESK_MODULE
#error "define CADESK_MODULE"
#endif
#ifndef CADESK_PYDLL
#define CADESK_PYDLL L"python311.dll"
#endif

typedef int(__cdecl *py_main_fn)(int, wchar_t **);

static void fail(const wchar_t *what, const wchar_t *path) {
    wchar_t text[4096];
    DWORD err = GetLastError();
    _snwprintf(text, 4096,
               L"消协工作台无法启动：%ls\n\n%ls\n\n（Windows 错误代码 %lu）\n请重新运行安装程序修复安装。",
               what, path, (unsigned long)err);
    text[4095] = 0;
#ifdef CADESK_CONSOLE
    HANDLE h = GetStdHandle(STD_ERROR_HANDLE);
    DWORD n;
    if (h && h != INVALID_HANDLE_VALUE && WriteConsoleW(h, text, (DWORD)wcslen(text), &n, NULL)) {
        WriteConsoleW(h, L"\n", 1, &n, NULL);
        return;
    }
#endif
    MessageBoxW(NULL, text, L"消协工作台", MB_OK | MB_ICONERROR);
}

static int run(void) {
    static wchar_t exe[32768], dll[32768];
    DWORD n = GetModuleFileNameW(NULL, exe, 32768);
    if (n == 0 || n >= 32768) {
        fail(L"找不到程序自身的路径", L"");
        return 1;
    }
    wcscpy(dll, exe);
    wchar_t *slash = wcsrchr(dll, L'\\');
    if (!slash) {
        fail(L"程序路径无效", exe);
        return 1;
    }
    slash[1] = 0;
    if (wcslen(dll) + 32 >= 32768) {
        fail(L"安装路径过长", exe);
        return 1;
    }
    wcscat(dll, L"runtime\\");
    wcscat(dll, CADESK_PYDLL);

    /* The DLL's own folder is searched for its dependencies (vcruntime140.dll). */
    HMODULE py = LoadLibraryExW(dll, NULL, LOAD_WITH_ALTERED_SEARCH_PATH);
    if (!py) {
        fail(L"无法加载 Python 运行库", dll);
        return 1;
    }
    py_main_fn py_main = (py_main_fn)(void *)GetProcAddress(py, "Py_Main");
    if (!py_main) {
        fail(L"Python 运行库缺少 Py_Main", dll);
        return 1;
    }

    int argc = 0;
    wchar_t **argv = CommandLineToArgvW(GetCommandLineW(), &argc);
    if (!argv) {
        fail(L"无法读取命令行", L"");
        return 1;
    }
    wchar_t **args = calloc((size_t)argc + 8, sizeof(wchar_t *));
    if (!args) return 1;
    int k = 0;
    args[k++] = exe;
    /* UTF-8 mode: Chinese output redirected to a file or pipe works on a non-Chinese Windows. */
    args[k++] = L"-X";
    args[k++] = L"utf8";
    if (!(argc >= 3 && wcscmp(argv[1], L"-m") == 0)) {
        args[k++] = L"-m";
        args[k++] = CADESK_MODULE;
    }
    for (int i = 1; i < argc; i++) args[k++] = argv[i];
    args[k] = NULL;
    return py_main(k, args);
}

#ifdef CADESK_CONSOLE
int wmain(void) { return run(); }
#else
int WINAPI wWinMain(HINSTANCE a, HINSTANCE b, PWSTR c, int d) {
    (void)a; (void)b; (void)c; (void)d;
    return run();
}
#endif
