/*
 * batch_int.h - what the batch_*.c files share and nobody else needs:
 * libxml2 XPath selection for <vary> (batch_exp.c, batch_exec.c).
 */
#ifndef ERSIM_BATCH_INT_H
#define ERSIM_BATCH_INT_H

#include <libxml/xpath.h>

/* Nodes an XPath selects in doc: attributes to set, or, for ".../@a"
 * selecting nothing, the elements that will get attribute a (*attr, to
 * free; NULL otherwise). Free the result with xmlXPathFreeObject; NULL
 * when the expression is invalid or memory ran out. */
xmlXPathObjectPtr ers_batch_xpath(xmlDocPtr doc, const char *xpath, char **attr);

#endif
