/* web/src/lab.h — what the browser lab's page (lab.js) calls in the
 * WebAssembly module (lab.c). */
#ifndef MMSIM_WEB_LAB_H
#define MMSIM_WEB_LAB_H

int lab_reset(int explain, const char *preset_name, const char *settings);
int lab_exec(const char *code, const char *name);
int lab_start(const char *code);
int lab_step(void);
int lab_line(void);
const char *lab_result(void);

#endif
