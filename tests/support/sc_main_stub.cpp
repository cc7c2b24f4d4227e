// libsystemc.so references sc_main; test binaries build their models directly
// in forked children and never call it, but the symbol must exist to link.
extern "C" int sc_main(int, char**) {
  return 0;
}
